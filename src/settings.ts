/** The extension's settings, read in one place. */
import * as vscode from 'vscode';
import { parseProfiles, type ParsedProfiles, type ServerProfile } from './model/profiles';

const SECTION = 'jetstream';

export function readProfiles(): ParsedProfiles {
  return parseProfiles(vscode.workspace.getConfiguration(SECTION).get<unknown>('servers', []));
}

/** Writes profiles back to user settings, dropping the defaults so hand-edited JSON stays short. */
export async function writeProfiles(profiles: ServerProfile[]): Promise<void> {
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown[]>('servers', []);
  // Entries that do not parse are the user's own work in progress: keep them as they are.
  const { invalid } = parseProfiles(raw);
  const kept = invalid.filter((p) => p.index >= 0).map((p) => raw[p.index]);
  const compact = profiles.map((p) => {
    const out: Record<string, unknown> = { ...p };
    if (p.transport === 'http') delete out.transport;
    if (!p.superuser) delete out.superuser;
    return out;
  });
  await vscode.workspace.getConfiguration(SECTION).update('servers', [...compact, ...kept], vscode.ConfigurationTarget.Global);
}

export function refreshIntervalMs(): number {
  const s = vscode.workspace.getConfiguration(SECTION).get<number>('refreshIntervalSeconds', 1);
  return Math.max(0.25, Number.isFinite(s) ? s : 1) * 1000;
}

export function autoRefresh(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('autoRefresh', true);
}

export function requestTimeoutMs(): number {
  const s = vscode.workspace.getConfiguration(SECTION).get<number>('requestTimeoutSeconds', 10);
  return Math.max(1, Number.isFinite(s) ? s : 10) * 1000;
}

export function affectsProfiles(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.servers`);
}

export function affectsPolling(e: vscode.ConfigurationChangeEvent): boolean {
  return (
    e.affectsConfiguration(`${SECTION}.refreshIntervalSeconds`) ||
    e.affectsConfiguration(`${SECTION}.autoRefresh`) ||
    e.affectsConfiguration(`${SECTION}.requestTimeoutSeconds`)
  );
}
