/** Check Server Compatibility: the read-only commands against one server, reported as a document to read and send back. */
import * as vscode from 'vscode';
import { checkCompatibility, reportMarkdown } from '../model/compat';
import type { DestinationStore } from '../model/store';
import { REPORT_SCHEME, type ReportDocuments } from '../views/reportDocument';
import { pickServer, reportError, type Services, type Target } from './services';

export function registerCompatibilityCommands(s: Services, reports: ReportDocuments): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.checkCompatibility', (target?: unknown) => check(s, reports, target as Target | undefined)),
    vscode.commands.registerCommand('jetstream.copyReport', async (uri?: unknown) => {
      const from = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      const text = from?.scheme === REPORT_SCHEME ? reports.text(from) : undefined;
      if (text === undefined) return;
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Report copied'), 2000);
    }),
  ];
}

async function check(s: Services, reports: ReportDocuments, target?: Target): Promise<void> {
  const server = await pickServer(s, target);
  if (!server) return;
  const store: DestinationStore = s.store;
  const state = store.server(server);
  if (!state) return;
  try {
    const report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t("Checking the compatibility of '{0}'…", server),
        cancellable: true,
      },
      async (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return checkCompatibility(await store.client(server), { transport: state.profile.transport }, abort.signal);
      },
    );
    const text = reportMarkdown(report, String(s.context.extension.packageJSON.version));
    s.log.info(`compatibility of '${server}': ${report.steps.filter((x) => x.ok).length} of ${report.steps.length} commands worked`);
    await reports.show(`Compatibility of ${server.replace(/[\\/]/g, '_')}`, text);
    const copy = vscode.l10n.t('Copy Report');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t("Compatibility report of '{0}' is open.", server), copy);
    if (choice === copy) await vscode.commands.executeCommand('jetstream.copyReport');
  } catch (e) {
    reportError(s, vscode.l10n.t("Could not check the compatibility of '{0}'", server), e);
  }
}
