/** What every command works with, and the pickers that let a palette command ask for its target. */
import * as vscode from 'vscode';
import { JetStreamError } from '../api/errors';
import { idKey, type Id } from '../api/schemas';
import { destinationLabel } from '../model/rows';
import type { RefreshScheduler } from '../model/scheduler';
import type { DestinationStore } from '../model/store';
import type { ServerSecrets } from '../secrets';
import type { DestinationNode, DestinationsTreeProvider, Node } from '../views/tree';
import type { DemoServer } from '../demoServer';

export interface Services {
  readonly store: DestinationStore;
  readonly scheduler: RefreshScheduler;
  readonly tree: DestinationsTreeProvider;
  readonly treeView: vscode.TreeView<Node>;
  readonly secrets: ServerSecrets;
  readonly log: vscode.LogOutputChannel;
  readonly demo: DemoServer;
  readonly context: vscode.ExtensionContext;
  /** Applies the filter and sort order and remembers them across restarts. */
  updateView(): void;
  /** Polls while someone can see live data (the tree or a details panel) in a focused window. */
  updatePolling(): void;
}

/** A command's target: a tree node, or what a script passes (`{ server, destinationId }`). */
export type Target = Partial<Pick<DestinationNode, 'server' | 'destinationId'>> & { key?: string };

export async function pickServer(s: Services, target?: Target): Promise<string | undefined> {
  if (target?.server && s.store.server(target.server)) return target.server;
  const servers = s.store.servers();
  if (servers.length === 1) return servers[0]!.profile.name;
  if (!servers.length) {
    const add = vscode.l10n.t('Add Server');
    const demo = vscode.l10n.t('Start Demo Server');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No JetStream server is configured yet.'), add, demo);
    if (choice === add) await vscode.commands.executeCommand('jetstream.addServer');
    if (choice === demo) await vscode.commands.executeCommand('jetstream.startDemoServer');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    servers.map((st) => ({ label: st.profile.name, description: st.profile.url ?? `${st.profile.host}:${st.profile.port ?? 8886}` })),
    { title: vscode.l10n.t('Choose a server'), placeHolder: vscode.l10n.t('Server') },
  );
  return pick?.label;
}

export async function pickDestination(s: Services, target?: Target): Promise<{ server: string; destinationId: string } | undefined> {
  if (target?.server && target.destinationId) return { server: target.server, destinationId: target.destinationId };
  const server = await pickServer(s, target);
  if (!server) return undefined;
  const state = s.store.server(server);
  if (!state?.destinations.size) await s.scheduler.refreshNow(server);
  const items = [...(s.store.server(server)?.destinations.values() ?? [])].map((d) => ({
    label: destinationLabel(d, s.store.server(server)?.redact),
    description: d.owner ?? '',
    detail: idKey(d.destinationId),
    destinationId: idKey(d.destinationId),
  }));
  if (!items.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Server '{0}' has no destinations you can see.", server));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Choose a destination on {0}', server),
    matchOnDetail: true,
  });
  return pick ? { server, destinationId: pick.destinationId } : undefined;
}

/** The id to send for a destination key: as the server sent it (a number stays a number). */
export function idOf(s: Services, server: string, key: string): Id {
  return s.store.destination(server, key)?.destinationId ?? key;
}

/** The nodes a command runs on: the clicked one, or every selected one when it is part of the selection. */
export function selectedTargets<T extends Node>(clicked: T | undefined, all: T[] | undefined, kind: T['kind']): T[] {
  if (all?.length) return all.filter((n) => n.kind === kind);
  return clicked ? [clicked] : [];
}

/** Shows a failed call the way a user can act on it, and logs it. */
export function reportError(s: Services, what: string, e: unknown): void {
  const message = e instanceof JetStreamError ? e.message : e instanceof Error ? e.message : String(e);
  s.log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`${what}: ${message}`);
}
