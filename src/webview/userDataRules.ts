/**
 * What the page says about a userData key or value the extension would refuse. The rules are the
 * shared schemas themselves (the ones the extension checks every message from the page with), so a
 * limit lives in one place; only their issues are put in the page's own, translated words.
 */
import type * as z from 'zod';
import { UserDataKey, UserDataValue } from '../api/inputSchemas';
import * as l10n from './strings';

/** The longest key the schema takes: the add row's input stops there. */
export const MAX_KEY_LENGTH = UserDataKey.maxLength ?? Infinity;

const limit = (issue: z.core.$ZodIssue): string => ('maximum' in issue ? Number(issue.maximum).toLocaleString('en-US') : '');

/** Empty when the schema takes `key`; else why not, in the page's words. */
export function keyProblem(key: string): string {
  const issue = UserDataKey.safeParse(key).error?.issues[0];
  if (!issue) return '';
  if (issue.code === 'too_small') return l10n.t('Enter a key.');
  if (issue.code === 'too_big') return l10n.t('A key is at most {0} characters.', limit(issue));
  return l10n.t('The key "{0}" is not allowed.', key);
}

/** Empty when the schema takes `value`; else why not, in the page's words. */
export function valueProblem(value: string): string {
  const issue = UserDataValue.safeParse(value).error?.issues[0];
  if (!issue) return '';
  return issue.code === 'too_big' ? l10n.t('A value is at most {0} characters.', limit(issue)) : l10n.t('This value is not allowed.');
}
