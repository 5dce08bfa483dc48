/**
 * Copy as Console Command: the vendor console command that does the same as an action, for a user who
 * scripts or wants to see what runs. On a destination row it reads the destination, on a userData row it
 * sets that entry to its value; the delete and create flows offer it too. No secret is ever in it.
 */
import * as vscode from 'vscode';
import type { Params } from '../api/transport';
import { consoleCommand, defaultShell } from '../model/consoleCommand';
import { destinationOf, entryOf, type Targets } from './targets';

/** Copies one command per line for `server`'s profile, and says where the password goes. */
export async function copyConsoleCommands(t: Targets, server: string, command: string, params: Params[]): Promise<void> {
  const profile = t.mirror.server(server)?.profile;
  if (!profile) return;
  const shell = defaultShell(process.platform);
  await vscode.env.clipboard.writeText(params.map((p) => consoleCommand(profile, command, p, shell)).join('\n'));
  const where = shell === 'posix' ? 'export JETSTREAM_API_PASSWORD=…' : '$env:JETSTREAM_API_PASSWORD = …';
  void vscode.window.showInformationMessage(
    profile.user
      ? vscode.l10n.t('Console command copied. It holds no password: set it first with {0}', where)
      : vscode.l10n.t('Console command copied.'),
  );
}

export function registerConsoleCommands(t: Targets): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.copyConsoleCommand', async (arg?: unknown) => {
      const entry = arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'userData' ? await entryOf(t, arg) : undefined;
      if (entry) {
        const row = t.mirror.row(entry.server, entry.destinationId);
        const value = row?.userData.find(([k]) => k === entry.key);
        if (!row || !value) return;
        return copyConsoleCommands(t, entry.server, 'send.updateObjectUserData', [
          { objectId: row.id, userData: { [entry.key]: value[1] } },
        ]);
      }
      const target = await destinationOf(t, arg);
      const row = target && t.mirror.row(target.server, target.key);
      if (row) await copyConsoleCommands(t, target.server, 'send.getDestination', [{ destinationId: row.id }]);
    }),
  ];
}
