/** What a userData edit's outcome (model/userDataEdit.ts) says to the user and to the log, wherever the edit came from. */
import * as vscode from 'vscode';
import { truncate } from '../model/format';
import type { EditOutcome } from '../model/userDataEdit';

export function describeOutcome(outcome: EditOutcome, key: string): { shown?: string; log: string } {
  const k = truncate(key, 100);
  switch (outcome.result) {
    case 'landed':
      return { log: `userData '${k}' changed` };
    case 'rejected': {
      const shown = vscode.l10n.t("The change to userData '{0}' did not land: {1}", k, outcome.error.message);
      return { shown, log: `userData '${k}' did not land: ${outcome.error.message}` };
    }
    case 'partial': {
      const names = (keys: string[]) => keys.map((key) => `'${truncate(key, 60)}'`).join(', ');
      const [landed, missed] = [names(outcome.landed), names(outcome.missed)];
      const shown = vscode.l10n.t(
        'Part of the change to userData landed: {0} set as asked; removing {1} did not land: {2}',
        landed,
        missed,
        outcome.error.message,
      );
      return { shown, log: `userData ${landed} changed, removal of ${missed} did not land: ${outcome.error.message}` };
    }
    case 'unknown': {
      const shown = vscode.l10n.t(
        "The server did not confirm the change to userData '{0}' ({1}), and could not be asked. It may have landed: the view shows what the server reports next.",
        k,
        outcome.error.message,
      );
      return { shown, log: `userData '${k}' unconfirmed: ${outcome.error.message}` };
    }
    case 'conflict': {
      const now = Object.entries(outcome.current)
        .map(([key, v]) => `${truncate(key, 60)} = ${v === null ? vscode.l10n.t('(deleted)') : truncate(v, 100)}`)
        .join(', ');
      const shown = vscode.l10n.t("Someone else changed userData '{0}' meanwhile (now {1}); nothing was overwritten.", k, now);
      return { shown, log: `userData '${k}' changed elsewhere meanwhile; not overwritten` };
    }
  }
}
