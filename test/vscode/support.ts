/** What the extension-host suites share: the extension's API, settings, waiting, and reading the tree as VS Code does. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JetStreamApi } from '../../src/extension';
import type { DestinationNode, Node } from '../../src/views/tree';

const EXTENSION_ID = 'jetstream-destinations.jetstream-destinations';

export async function extensionApi(): Promise<JetStreamApi> {
  return (await vscode.extensions.getExtension<JetStreamApi>(EXTENSION_ID)!.activate())!;
}

/** Writes the setting as a user would, and waits until the extension has the servers it names. */
export async function setServers(servers: ({ name: string } & Record<string, unknown>)[]): Promise<void> {
  await vscode.workspace.getConfiguration('jetstream').update('servers', servers, vscode.ConfigurationTarget.Global);
  const api = await extensionApi();
  const names = servers.map((s) => s.name).join('\n');
  await until(
    'the servers in the tree',
    () =>
      api.mirror
        .servers()
        .map((v) => v.profile.name)
        .join('\n') === names,
  );
}

export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function tree(api: JetStreamApi) {
  const children = (node?: Node) => api.tree.getChildren(node);
  const serverNode = (name: string): Node => {
    const n = children().find((c) => c.kind === 'server' && c.server === name);
    assert.ok(n, `server ${name} in the tree`);
    return n;
  };
  const rows = (name: string) => children(serverNode(name));
  const destinations = (name: string) => rows(name).filter((n): n is DestinationNode => n.kind === 'destination');
  /** Waits until the server has answered with its destinations (the settings change reaches the engine first). */
  const loaded = (name: string) =>
    until(`server ${name} loaded`, () => api.mirror.server(name)?.summary.phase !== 'loading' && api.mirror.server(name));
  return { children, serverNode, rows, destinations, loaded };
}
