/**
 * What a row of the tree says, as pure functions the tree adapts to VS Code: a destination's words
 * and icon, and for a server's error its title and the action that fixes it.
 */
import type { JetStreamError, JetStreamErrorCode } from '../api/errors';
import type { Redact } from '../api/redact';
import type { ListedDestination } from '../api/schemas';
import { valueText } from './bounded';
import { formatCount, formatRate, formatRatePair, truncate } from './format';
import { STATUS_LABELS, type DestinationStatus } from './status';

/** Codicon and theme colour per status: colour is never the only signal, the description has words too. */
export const STATUS_ICONS: Readonly<Record<DestinationStatus, { icon: string; color: string }>> = {
  connected: { icon: 'pass-filled', color: 'testing.iconPassed' },
  negotiating: { icon: 'sync', color: 'charts.yellow' },
  disconnected: { icon: 'debug-disconnect', color: 'disabledForeground' },
  error: { icon: 'error', color: 'errorForeground' },
  stale: { icon: 'history', color: 'descriptionForeground' },
  invalid: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
};

/** Longest text a row shows of a server string; tooltips show more, the details panel everything. */
export const MAX_ROW_TEXT = 200;

const asIs: Redact = (text) => text;

/** The row's label: address and port, cut to what a row can show, the profile's secrets removed. */
export function destinationLabel(d: ListedDestination, redact: Redact = asIs): string {
  if (d.problem && !d.destinationAddress) return `unreadable destination (${redact(truncate(String(d.destinationId), 60))})`;
  return `${redact(truncate(d.destinationAddress, MAX_ROW_TEXT))}:${d.destinationPort}`;
}

/** The error a destination reports, in the server's words with the profile's secrets removed. */
export function destinationError(d: ListedDestination, redact: Redact): string {
  const code = d.lastError === null || d.lastError === undefined ? '' : String(d.lastError);
  return redact(truncate(d.lastErrorMessage || code || 'error', 500));
}

export function describeDestination(d: ListedDestination, status: DestinationStatus, redact: Redact): string {
  const queue = d.numTransfersQueued ? ` · ${formatCount(d.numTransfersQueued)} queued` : '';
  if (status === 'invalid') return `unexpected data: ${redact(truncate(d.problem ?? '', 120))}`;
  if (status === 'error') return `${truncate(destinationError(d, redact), 80)}${queue}`;
  if (status === 'connected') return `${formatRatePair(d.sendRateAverage, d.sendRateMax)}${queue}`;
  return `${STATUS_LABELS[status].toLowerCase()} · max ${formatRate(d.sendRateMax)}${queue}`;
}

/** A userData value as a row shows it: text as it is, other JSON as JSON. */
export function userDataText(value: unknown, max = MAX_ROW_TEXT, redact: Redact = asIs): string {
  return redact(valueText(value, max));
}

/** What fixes a server's error: the problem row's click and inline action. */
export type Fix = 'signIn' | 'editServer' | 'retry' | 'showLog' | 'superuser';

export interface ServerProblem {
  /** Short words for the row, e.g. "Password refused". */
  title: string;
  fix: Fix;
}

const PROBLEMS: Record<JetStreamErrorCode, ServerProblem> = {
  AuthFailed: { title: 'Sign-in refused', fix: 'signIn' },
  AuthRequired: { title: 'Sign-in needed', fix: 'signIn' },
  TlsIdentity: { title: "Server identity can't be verified", fix: 'editServer' },
  Unreachable: { title: 'Server unreachable', fix: 'retry' },
  Timeout: { title: 'Server did not answer in time', fix: 'retry' },
  Aborted: { title: 'Cancelled', fix: 'retry' },
  InvalidResponse: { title: 'Server sent invalid data', fix: 'showLog' },
  ConsoleNotFound: { title: 'Console API not found', fix: 'editServer' },
  PythonSetup: { title: 'Python library not usable', fix: 'editServer' },
  Unsupported: { title: 'Not possible over this transport', fix: 'editServer' },
  PermissionDenied: { title: 'Permission denied', fix: 'superuser' },
  NotFound: { title: 'Not found', fix: 'retry' },
  UnknownCommand: { title: 'Command unknown to this server', fix: 'editServer' },
  InvalidRequest: { title: 'Request refused', fix: 'showLog' },
  InvalidParameter: { title: 'Request refused', fix: 'showLog' },
  PayloadTooLarge: { title: 'Request too large', fix: 'showLog' },
  ServerError: { title: 'Server error', fix: 'retry' },
  Internal: { title: 'Internal error of this extension', fix: 'showLog' },
};

export function serverProblem(error: JetStreamError): ServerProblem {
  if (error.code === 'AuthFailed')
    return { title: error.details.credential === 'token' ? 'API token refused' : 'Password refused', fix: 'signIn' };
  return PROBLEMS[error.code];
}
