/** Check Server Compatibility: the read-only commands against one server, reported as a document to read and send back. */
import * as vscode from 'vscode';
import { reportMarkdown } from '../model/compat';
import { REPORT_SCHEME, type ReportDocuments } from '../views/reportDocument';
import { serverOf, type Targets } from './targets';

export interface CompatDeps extends Targets {
  readonly reports: ReportDocuments;
  readonly log: vscode.LogOutputChannel;
  readonly version: string;
}

export function registerCompatibilityCommands(d: CompatDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.checkCompatibility', (arg?: unknown) => check(d, arg)),
    vscode.commands.registerCommand('jetstream.copyReport', async (uri?: unknown) => {
      const from = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      const text = from?.scheme === REPORT_SCHEME ? d.reports.text(from) : undefined;
      if (text === undefined) return;
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Report copied'), 2000);
    }),
  ];
}

async function check(d: CompatDeps, arg: unknown): Promise<void> {
  const server = await serverOf(d, arg);
  if (!server) return;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Checking the compatibility of '{0}'…", server) },
      () => d.mirror.request({ op: 'compat', server }),
    );
    const text = reportMarkdown(report, d.version);
    d.log.info(`compatibility of '${server}': ${report.steps.filter((x) => x.ok).length} of ${report.steps.length} commands worked`);
    await d.reports.show(`Compatibility of ${server.replace(/[\\/]/g, '_')}`, text);
    const copy = vscode.l10n.t('Copy Report');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t("Compatibility report of '{0}' is open.", server), copy);
    if (choice === copy) await vscode.commands.executeCommand('jetstream.copyReport');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    d.log.error(`could not check the compatibility of '${server}': ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t("Could not check the compatibility of '{0}': {1}", server, message));
  }
}
