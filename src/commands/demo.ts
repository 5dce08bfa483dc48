/**
 * Start Demo Server: the embedded simulator, and a profile for it. It never changes a profile of the
 * user's: the demo's own profile is remembered (name and URL), and a name the user has taken is not
 * reused. After a reload the demo is not running; its row says so and offers to start it again.
 */
import * as vscode from 'vscode';
import type { DemoServer } from '../demoServer';
import type { DestinationMirror } from '../model/mirror';
import type { ServerProfile } from '../model/profiles';
import { writeProfiles } from '../settings';

export const DEMO_KEY = 'jetstream.demoProfile';

export interface DemoDeps {
  readonly mirror: DestinationMirror;
  readonly demo: DemoServer;
  readonly log: vscode.LogOutputChannel;
  readonly state: vscode.Memento;
}

/** The demo's own profile, when the settings still hold it as it was made. */
export function demoProfile(d: DemoDeps): { name: string; url: string } | undefined {
  const remembered = d.state.get<{ name: string; url: string }>(DEMO_KEY);
  return remembered && d.mirror.server(remembered.name)?.profile.url === remembered.url ? remembered : undefined;
}

/** Whether a server is the embedded demo and it is not running (after a reload). */
export function isStoppedDemo(d: DemoDeps, server: string): boolean {
  return !d.demo.running && demoProfile(d)?.name === server;
}

export async function startDemoServer(d: DemoDeps): Promise<string | undefined> {
  const ours = demoProfile(d);
  try {
    const url = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the JetStream demo server…') },
      () => d.demo.start(ours ? Number(new URL(ours.url).port) : 0),
    );
    const profiles = d.mirror.servers().map((v) => v.profile);
    let name = ours?.name;
    if (!name) {
      name = vscode.l10n.t('Demo');
      for (let i = 2; profiles.some((p) => p.name === name); i++) name = `${vscode.l10n.t('Demo')} ${i}`;
    }
    const next: ServerProfile = { name, transport: 'http', url, superuser: false };
    if (!ours || ours.url !== url) {
      await d.state.update(DEMO_KEY, { name, url });
      await writeProfiles(ours ? profiles.map((p) => (p.name === name ? next : p)) : [...profiles, next]);
    }
    d.log.info(`demo server '${name}' at ${url}`);
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    return url;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    d.log.error(`could not start the demo server: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not start the demo server: {0}', message));
    return undefined;
  }
}
