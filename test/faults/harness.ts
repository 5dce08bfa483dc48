/**
 * The extension's parts the fault suite runs, as the extension runs them: the engine on its worker
 * thread (dist/worker.js), the main thread's mirror, and the tree provider (only `vscode` stood in for).
 */
import path from 'node:path';
import { DestinationMirror } from '../../src/model/mirror';
import type { Secret, ServerProfile } from '../../src/model/profiles';
import { DestinationsTreeProvider, type Node } from '../../src/views/tree';

export type TestProfile = ServerProfile & { secret?: Secret };

export interface Harness {
  mirror: DestinationMirror;
  tree: DestinationsTreeProvider;
  secrets: Map<string, Secret>;
  logged: string[];
  setProfiles(profiles: TestProfile[]): void;
  /** What Sign In does once the new secret is stored. */
  signIn(server: string, secret: Secret): Promise<void>;
  refresh(server?: string): Promise<void>;
  /** Every row of the tree as it would be painted, tooltips resolved. */
  paint(): Promise<string[]>;
  dispose(): void;
}

export function harness(options: { intervalMs: number; timeoutMs: number }): Harness {
  const secrets = new Map<string, Secret>();
  const logged: string[] = [];
  const mirror = new DestinationMirror({
    script: path.join(__dirname, 'worker.js'),
    secret: async (server) => secrets.get(server),
    log: (level, message) => logged.push(`${level}: ${message}`),
  });
  const tree = new DestinationsTreeProvider(mirror);
  mirror.setPolling({ active: true, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs });
  return {
    mirror,
    tree,
    secrets,
    logged,
    setProfiles(profiles) {
      for (const p of profiles) if (p.secret) secrets.set(p.name, p.secret);
      mirror.setProfiles(profiles.map(({ secret: _secret, ...p }) => p));
    },
    async signIn(server, secret) {
      secrets.set(server, secret);
      mirror.credentialsChanged(server, true);
      await mirror.request({ op: 'refresh', server, manual: true });
    },
    async refresh(server) {
      await mirror.request({ op: 'refresh', server, manual: true });
    },
    async paint() {
      const out: string[] = [];
      const walk = async (node?: Node) => {
        for (const child of tree.getChildren(node)) {
          const item = await tree.resolveTreeItem(tree.getTreeItem(child), child);
          out.push(JSON.stringify([item.label, item.description, item.tooltip, item.accessibilityInformation]));
          await walk(child);
        }
      };
      await walk();
      return out;
    },
    dispose() {
      tree.dispose();
      mirror.dispose();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `what` every 10 ms until it holds or `ms` pass; the last answer is the result. */
export async function waitFor(what: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return true;
    await sleep(10);
  }
  return what();
}
