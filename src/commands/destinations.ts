/** Destinations: create (a validated multi-step input), delete (with Undo), copy, refresh. */
import * as vscode from 'vscode';
import { destinationKey } from '../api/destinationList';
import type { JetStreamClient } from '../api/client';
import { JetStreamError } from '../api/errors';
import {
  CreateDestinationParams,
  HostAddress,
  idKey,
  lanesOf,
  PriorityLanes,
  TransferDefaultsInput,
  UserDataInput,
  type Destination,
  type ListedDestination,
  type TextUserData,
} from '../api/schemas';
import { describeIssue } from '../api/issues';
import { boundedJson } from '../model/bounded';
import type { DestinationNode } from '../views/tree';
import { pickDestination, pickServer, reportError, selectedTargets, type Services, type Target } from './services';

export function registerDestinationCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.refresh', async (target?: Target) => {
      // A refused password is never sent again by a Refresh: the user signs in instead.
      if (target?.server && s.store.server(target.server)?.credentialsRefused) {
        await vscode.commands.executeCommand('jetstream.signIn', { server: target.server });
        return;
      }
      await s.scheduler.refreshNow(target?.server, { manual: true });
    }),
    vscode.commands.registerCommand('jetstream.createDestination', (target?: Target, params?: CreateDestinationParams) =>
      createDestination(s, target, params),
    ),
    vscode.commands.registerCommand(
      'jetstream.deleteDestination',
      (clicked?: DestinationNode, selected?: DestinationNode[], options?: { confirm?: boolean }) =>
        deleteDestinations(s, clicked, selected, options),
    ),
    vscode.commands.registerCommand('jetstream.copyDestinationId', (t?: Target) => copy(s, t, (d) => idKey(d.destinationId))),
    vscode.commands.registerCommand('jetstream.copyDestinationAddress', (t?: Target) =>
      copy(s, t, (d) => `${d.destinationAddress}:${d.destinationPort}`),
    ),
    vscode.commands.registerCommand('jetstream.copyDestinationJson', (t?: Target) =>
      copy(s, t, (d, redact) => boundedJson(d.raw ?? d, redact)),
    ),
  ];
}

async function copy(
  s: Services,
  target: Target | undefined,
  text: (d: ListedDestination, redact: (t: string) => string) => string,
): Promise<void> {
  const picked = await pickDestination(s, target);
  const d = picked && s.store.destination(picked.server, picked.destinationId);
  if (!d) return;
  await vscode.env.clipboard.writeText(text(d, s.store.server(picked.server)?.redact ?? ((t) => t)));
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 2000);
}

/** "100 Mbit/s", "2.5G", "800" (kbit/s) → kbit/s; undefined when empty, an error text when unreadable. */
export function parseRate(text: string): number | undefined | { error: string } {
  const t = text.trim();
  if (!t) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg])?(?:bit\/s|bps|b)?$/i.exec(t);
  if (!m) return { error: vscode.l10n.t('Use a number with an optional unit, e.g. 800 kbit/s, 100 Mbit/s or 1 Gbit/s.') };
  const factor = { k: 1, m: 1_000, g: 1_000_000 }[(m[2] ?? 'k').toLowerCase() as 'k' | 'm' | 'g'];
  const kbps = Number(m[1]) * factor;
  return kbps > 0 ? kbps : { error: vscode.l10n.t('The rate must be more than 0.') };
}

/** `name=value name2=value2` → object, with numbers where `numeric`. */
function parsePairs(text: string, numeric: boolean): Record<string, string | number> | { error: string } {
  const out: Record<string, string | number> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { error: vscode.l10n.t('"{0}" is not name=value.', pair) };
    const value = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = numeric ? Number(value) : value;
  }
  return out;
}

type Step<T> = { prompt: string; placeHolder?: string; value?: string; parse: (text: string) => T | { error: string } };

function isError(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && 'error' in v && Object.keys(v).length === 1;
}

async function ask<T>(title: string, step: Step<T>): Promise<T | undefined | 'cancel'> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: step.prompt,
    placeHolder: step.placeHolder,
    value: step.value,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = step.parse(v);
      return isError(r) ? r.error : undefined;
    },
  });
  if (text === undefined) return 'cancel';
  const r = step.parse(text);
  return isError(r) ? 'cancel' : r;
}

/** Checks one part of the request with the same schema the whole request is checked with. */
function checkWith<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  value: unknown,
) {
  const r = schema.safeParse(value);
  return r.success ? r.data : { error: describeIssue(r.error, value) };
}

async function askCreateParams(server: string): Promise<CreateDestinationParams | undefined> {
  const title = vscode.l10n.t('Create Destination on {0}', server);
  const address = await ask(`${title} (1/4)`, {
    prompt: vscode.l10n.t('Destination address: the receiving server, a host name or IP address'),
    placeHolder: 'receiver.example.com',
    parse: (t) => checkWith(HostAddress, t),
  });
  if (address === 'cancel' || address === undefined) return undefined;
  const port = await ask(`${title} (2/4)`, {
    prompt: vscode.l10n.t('UDP receiver port (1-65535)'),
    value: '8886',
    parse: (t) =>
      /^\d+$/.test(t.trim()) && +t >= 1 && +t <= 65535 ? Number(t) : { error: vscode.l10n.t('Enter a port from 1 to 65535.') },
  });
  if (port === 'cancel') return undefined;
  const rate = await ask(`${title} (3/4)`, {
    prompt: vscode.l10n.t('Maximum send rate, e.g. 100 Mbit/s; empty for the server default'),
    parse: parseRate,
  });
  if (rate === 'cancel') return undefined;
  const params: CreateDestinationParams = { destinationAddress: address, destinationPort: port };
  if (rate !== undefined) params.sendRateMax = rate;

  const options = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Relay'), key: 'relay' },
      { label: vscode.l10n.t('Permitted destination public key'), key: 'key' },
      { label: vscode.l10n.t('Transfer defaults'), key: 'defaults' },
      { label: vscode.l10n.t('Priority lanes'), key: 'lanes' },
      { label: vscode.l10n.t('Initial userData'), key: 'userData' },
    ],
    {
      title: `${title} (4/4)`,
      placeHolder: vscode.l10n.t('More settings (optional): tick any, then press Enter'),
      canPickMany: true,
      ignoreFocusOut: true,
    },
  );
  if (!options) return undefined;
  for (const o of options) {
    const more = await askOption(title, o.key);
    if (more === 'cancel') return undefined;
    Object.assign(params, more);
  }
  return params;
}

async function askOption(title: string, key: string): Promise<Partial<CreateDestinationParams> | 'cancel'> {
  let r: Partial<CreateDestinationParams> | undefined | 'cancel';
  switch (key) {
    case 'relay':
      r = await ask(title, {
        prompt: vscode.l10n.t('Relay as host:port'),
        placeHolder: 'relay.example.com:8887',
        parse: (t) => {
          const [host, p] = t.trim().split(':');
          const address = HostAddress.safeParse(host);
          if (!address.success || !p || !/^\d+$/.test(p) || +p < 1 || +p > 65535) return { error: vscode.l10n.t('Use host:port.') };
          return { relayAddress: address.data, relayPort: Number(p) };
        },
      });
      break;
    case 'key':
      r = await ask(title, {
        prompt: vscode.l10n.t("The receiving server's public key; connections to any other key are refused"),
        parse: (t) => (t.trim() ? { permittedDestinationPublicKey: t.trim() } : { error: vscode.l10n.t('Enter the key.') }),
      });
      break;
    case 'defaults':
      r = await ask(title, {
        prompt: vscode.l10n.t(
          'Transfer defaults as name=value: checkpointFrequencySeconds, overwriteMode (0-5), priority, priorityLane, sendRateMax, transferFlags',
        ),
        placeHolder: 'priority=2 overwriteMode=3 checkpointFrequencySeconds=30',
        parse: (t) => {
          const pairs = parsePairs(t, false);
          if (isError(pairs)) return pairs;
          const typed = Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, k === 'priorityLane' ? v : Number(v)]));
          const checked = checkWith(TransferDefaultsInput, typed);
          return isError(checked) ? checked : { transferDefaults: checked };
        },
      });
      break;
    case 'lanes':
      r = await ask(title, {
        prompt: vscode.l10n.t('Priority lanes as name=proportion, proportions adding up to at most 1'),
        placeHolder: 'interactive=0.3 bulk=0.7',
        parse: (t) => {
          const pairs = parsePairs(t, true);
          if (isError(pairs)) return pairs;
          const checked = checkWith(PriorityLanes, pairs);
          return isError(checked) ? checked : { priorityLanes: checked };
        },
      });
      break;
    case 'userData':
      r = await ask(title, {
        prompt: vscode.l10n.t('userData as a JSON object of strings'),
        placeHolder: '{"team": "media", "ticket": "OPS-42"}',
        parse: (t) => {
          let value: unknown;
          try {
            value = JSON.parse(t);
          } catch {
            return { error: vscode.l10n.t('Not valid JSON.') };
          }
          const checked = checkWith(UserDataInput, value);
          return isError(checked) ? checked : { userData: checked };
        },
      });
      break;
  }
  return r ?? 'cancel';
}

async function createDestination(s: Services, target?: Target, given?: CreateDestinationParams): Promise<Destination | undefined> {
  const server = await pickServer(s, target);
  if (!server) return undefined;
  const params = given ?? (await askCreateParams(server));
  if (!params) return undefined;
  let created: Destination;
  try {
    created = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating destination {0}…', params.destinationAddress) },
      async () => (await s.store.client(server)).createDestination(params),
    );
  } catch (e) {
    reportError(s, vscode.l10n.t('Could not create destination {0}', params.destinationAddress), e);
    return undefined;
  }
  s.log.info(`created destination ${created.destinationId} (${created.destinationAddress}:${created.destinationPort}) on '${server}'`);
  s.store.accept(server, created);
  try {
    await s.treeView.reveal(s.tree.destinationNode(server, destinationKey(created)), { select: true, focus: true });
  } catch {
    // A filter may hide the new destination: it exists all the same.
    vscode.window.setStatusBarMessage(vscode.l10n.t('Created {0}; the filter hides it.', params.destinationAddress), 5000);
  }
  return created;
}

/** The parameters Undo needs, or undefined when the server's data for it does not fit the structure. */
function undoParams(s: Services, server: string, destinationId: string): Recreate | undefined {
  try {
    const full = s.store.fullDestination(server, destinationId);
    return full && recreateParams(full);
  } catch (e) {
    s.log.warn(`no Undo for destination ${destinationId}: ${(e as Error).message}`);
    return undefined;
  }
}

export interface Recreate {
  params: CreateDestinationParams;
  /** Settings the Destination structure does not say enough about to restore. */
  lost: string[];
}

/** What recreates a deleted destination as it was (the server gives it a new id). */
export function recreateParams(d: Destination): Recreate {
  const lost: string[] = [];
  const p: CreateDestinationParams = { destinationAddress: d.destinationAddress, destinationPort: d.destinationPort };
  if (d.sendRateMax > 0) p.sendRateMax = d.sendRateMax;
  if (d.permittedDestinationPublicKey) p.permittedDestinationPublicKey = d.permittedDestinationPublicKey;
  if (d.relayIP && d.relayPort) Object.assign(p, { relayAddress: d.relayIP, relayPort: d.relayPort });
  // The structure gives a relay's IP once it is resolved, never its name: before that the relay is unknown.
  else if (d.relayPort) lost.push(vscode.l10n.t('its relay (not resolved yet when it was deleted)'));
  if (d.socketSendBufferSize) p.socketSendBufferSize = d.socketSendBufferSize;
  if (d.socketRecvBufferSize) p.socketRecvBufferSize = d.socketRecvBufferSize;
  const { checkpointFrequencySeconds, overwriteMode, priority, priorityLane, sendRateMax, transferFlags } = d.transferDefaults;
  p.transferDefaults = TransferDefaultsInput.parse(
    Object.fromEntries(
      Object.entries({
        checkpointFrequencySeconds,
        overwriteMode,
        priority,
        priorityLane,
        sendRateMax: sendRateMax || undefined,
        transferFlags,
      }).filter(([, v]) => v !== undefined && v !== null),
    ),
  );
  const lanes = lanesOf(d.priorityLanes);
  if (lanes && Object.keys(lanes).length) p.priorityLanes = lanes;
  else if (d.priorityLanes !== undefined && d.priorityLanes !== null && !lanes)
    lost.push(vscode.l10n.t('its priority lanes (of a shape this extension cannot send back)'));
  const text: TextUserData = {};
  const other: string[] = [];
  for (const [k, v] of Object.entries(d.userData ?? {})) {
    if (typeof v === 'string') text[k] = v;
    else other.push(k);
  }
  if (Object.keys(text).length) p.userData = text;
  if (other.length) lost.push(vscode.l10n.t('userData that is not text ({0})', other.join(', ')));
  return { params: p, lost };
}

async function deleteDestinations(
  s: Services,
  clicked?: DestinationNode,
  selected?: DestinationNode[],
  options?: { confirm?: boolean },
): Promise<void> {
  let targets = selectedTargets(clicked, selected, 'destination').map((n) => ({ server: n.server, destinationId: n.destinationId }));
  if (!targets.length) {
    const picked = await pickDestination(s);
    if (!picked) return;
    targets = [picked];
  }
  const doomed = targets
    .map((t) => ({ ...t, destination: s.store.destination(t.server, t.destinationId), recreate: undoParams(s, t.server, t.destinationId) }))
    .filter((t): t is typeof t & { destination: ListedDestination } => !!t.destination);
  if (!doomed.length) return;
  const names = doomed.map((t) => `${t.destination.destinationAddress}:${t.destination.destinationPort}`);
  if (options?.confirm !== false) {
    const del = vscode.l10n.t('Delete');
    const list =
      names.length <= 10 ? names.join('\n') : `${names.slice(0, 10).join('\n')}\n${vscode.l10n.t('and {0} more', names.length - 10)}`;
    const choice = await vscode.window.showWarningMessage(
      doomed.length === 1
        ? vscode.l10n.t('Delete destination {0}?', names[0]!)
        : vscode.l10n.t('Delete these {0} destinations?', doomed.length),
      { modal: true, detail: `${list}\n\n${vscode.l10n.t('Transfers queued to them are dropped by the server.')}` },
      del,
    );
    if (choice !== del) return;
  }
  const deleted: typeof doomed = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting destinations'), cancellable: true },
    async (progress, token) => {
      for (const t of doomed) {
        if (token.isCancellationRequested) break;
        progress.report({
          message: `${t.destination.destinationAddress}:${t.destination.destinationPort}`,
          increment: 100 / doomed.length,
        });
        try {
          await deleteConfirmed(await s.store.client(t.server), t.destination);
          s.store.forget(t.server, t.destinationId);
          deleted.push(t);
          s.log.info(`deleted destination ${t.destinationId} on '${t.server}'`);
        } catch (e) {
          reportError(
            s,
            vscode.l10n.t('Could not delete destination {0}', `${t.destination.destinationAddress}:${t.destination.destinationPort}`),
            e,
          );
        }
      }
    },
  );
  if (!deleted.length || options?.confirm === false) return;
  const undo = vscode.l10n.t('Undo');
  const choice = await vscode.window.showInformationMessage(
    deleted.length === 1
      ? vscode.l10n.t(
          'Deleted destination {0}.',
          `${deleted[0]!.destination.destinationAddress}:${deleted[0]!.destination.destinationPort}`,
        )
      : vscode.l10n.t('Deleted {0} destinations.', deleted.length),
    undo,
  );
  if (choice === undo) {
    for (const t of deleted) {
      if (!t.recreate) continue;
      await createDestination(s, { server: t.server }, t.recreate.params);
      if (t.recreate.lost.length) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Destination {0} was recreated without {1}.', t.destination.destinationAddress, t.recreate.lost.join(', ')),
        );
      }
    }
  }
}

/**
 * Deletes a destination. When the answer is lost (connection reset, timeout) the server may have done
 * it all the same: asking for the destination tells, and a destination that is gone was deleted.
 */
async function deleteConfirmed(client: JetStreamClient, d: ListedDestination): Promise<void> {
  try {
    await client.deleteDestination(d.destinationId);
  } catch (e) {
    if (!(e instanceof JetStreamError) || (e.code !== 'Unreachable' && e.code !== 'Timeout')) throw e;
    try {
      await client.getDestination(d.destinationId);
    } catch (check) {
      if (check instanceof JetStreamError && check.code === 'NotFound') return;
    }
    throw e;
  }
}
