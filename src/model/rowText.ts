/**
 * The words of the tree, as pure functions the views adapt to VS Code: a destination row's icon and
 * description, a server row's counts, and for a server's error its title and the action that fixes
 * it. Strings go through the `l10n` the caller passes (vscode.l10n in the extension), so they are
 * translated and the bundle generator finds them.
 */
import type { JetStreamError, JetStreamErrorCode } from '../api/errors';
import type { Row } from './engine/protocol';
import type { L10n } from '../api/l10n';
import { formatCount, formatRate, formatRatePair, truncate } from './format';
import type { DestinationStatus } from './status';

/** Codicon and theme colour per status: colour is never the only signal, the description has words too. */
export const STATUS_ICONS: Readonly<Record<DestinationStatus, { icon: string; color: string }>> = {
  connected: { icon: 'pass-filled', color: 'testing.iconPassed' },
  negotiating: { icon: 'sync', color: 'charts.yellow' },
  disconnected: { icon: 'debug-disconnect', color: 'disabledForeground' },
  error: { icon: 'error', color: 'errorForeground' },
  stale: { icon: 'history', color: 'descriptionForeground' },
  invalid: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
};

export function statusWord(status: DestinationStatus, l10n: L10n): string {
  switch (status) {
    case 'connected':
      return l10n.t('connected');
    case 'negotiating':
      return l10n.t('negotiating');
    case 'disconnected':
      return l10n.t('disconnected');
    case 'error':
      return l10n.t('error');
    case 'stale':
      return l10n.t('stale (no new snapshot)');
    case 'invalid':
      return l10n.t('unexpected data');
  }
}

/** The most important thing first: the status word for a problem, the rates for a live destination, numbers short. */
export function describeRow(row: Row, l10n: L10n): string {
  const queue = row.numTransfersQueued ? l10n.t(' · {0} queued', formatCount(row.numTransfersQueued)) : '';
  switch (row.status) {
    case 'invalid':
      return l10n.t('unexpected data: {0}', truncate(row.problem, 120));
    case 'error':
      return `${l10n.t('error: {0}', truncate(row.error, 80))}${queue}`;
    case 'connected':
      return `${formatRatePair(row.sendRateAverage, row.sendRateMax)}${queue}`;
    default:
      return `${l10n.t('{0} · max {1}', statusWord(row.status, l10n), formatRate(row.sendRateMax))}${queue}`;
  }
}

/** What fixes a server's error: the problem row's click and inline action. */
export type Fix = 'signIn' | 'editServer' | 'retry' | 'showLog' | 'superuser';

export interface ServerProblem {
  /** Short words for the row, e.g. "Password refused". */
  title: string;
  fix: Fix;
}

const FIXES: Record<JetStreamErrorCode, Fix> = {
  AuthFailed: 'signIn',
  AuthRequired: 'signIn',
  TlsIdentity: 'editServer',
  Unreachable: 'retry',
  Timeout: 'retry',
  Aborted: 'retry',
  InvalidResponse: 'showLog',
  ConsoleNotFound: 'editServer',
  PythonSetup: 'editServer',
  Unsupported: 'editServer',
  PermissionDenied: 'superuser',
  NotFound: 'retry',
  UnknownCommand: 'editServer',
  InvalidRequest: 'editServer',
  InvalidParameter: 'showLog',
  PayloadTooLarge: 'showLog',
  ServerError: 'retry',
  Internal: 'showLog',
};

function problemTitle(error: JetStreamError, l10n: L10n): string {
  switch (error.code) {
    case 'AuthFailed':
      return error.details.credential === 'token' ? l10n.t('API token refused') : l10n.t('Password refused');
    case 'AuthRequired':
      return l10n.t('Sign-in needed');
    case 'TlsIdentity':
      return l10n.t("Server identity can't be verified");
    case 'Unreachable':
      return l10n.t('Server unreachable');
    case 'Timeout':
      return l10n.t('Server did not answer in time');
    case 'Aborted':
      return l10n.t('Cancelled');
    case 'InvalidResponse':
      return l10n.t('Server sent invalid data');
    case 'ConsoleNotFound':
      return l10n.t('Console API not found');
    case 'PythonSetup':
      return l10n.t('Python library not usable');
    case 'Unsupported':
      return l10n.t('Not possible over this transport');
    case 'PermissionDenied':
      return l10n.t('Permission denied');
    case 'NotFound':
      return l10n.t('Not found');
    case 'UnknownCommand':
      return l10n.t('Command unknown to this server');
    case 'InvalidRequest':
      // An HTTP 405 or a refused argument: most often the URL or the console is not the API.
      return l10n.t('Request refused: is this the JetStream API?');
    case 'InvalidParameter':
      return l10n.t('Request refused');
    case 'PayloadTooLarge':
      return l10n.t('Request too large');
    case 'ServerError':
      return l10n.t('Server error');
    case 'Internal':
      return l10n.t('Internal error of this extension');
  }
}

export function serverProblem(error: JetStreamError, l10n: L10n): ServerProblem {
  return { title: problemTitle(error, l10n), fix: FIXES[error.code] };
}

/** "3 of 25 destinations", "25 destinations", "1 destination". */
export function destinationCount(shown: number, total: number, filtered: boolean, l10n: L10n): string {
  if (filtered)
    return total === 1
      ? l10n.t('{0} of 1 destination', formatCount(shown))
      : l10n.t('{0} of {1} destinations', formatCount(shown), formatCount(total));
  return total === 1 ? l10n.t('1 destination') : l10n.t('{0} destinations', formatCount(total));
}

/** "3 errors", "1 error", or nothing. */
export function errorCount(errors: number, l10n: L10n): string {
  return errors === 0 ? '' : errors === 1 ? l10n.t('1 error') : l10n.t('{0} errors', formatCount(errors));
}
