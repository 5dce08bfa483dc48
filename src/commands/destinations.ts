/** Destinations: refresh, create (a guided input), delete (with Undo), copy, open details. */
import * as vscode from 'vscode';
import { CreateDestinationParams, HostAddress, PriorityLanes, TransferDefaultsInput, UserDataInput } from '../api/schemas';
import { describeIssue } from '../api/issues';
import type { Recreate, Row } from '../model/engine/protocol';
import { parsePairs, parseRate } from '../model/inputs';
import type { DestinationMirror } from '../model/mirror';
import type { LostPart } from '../model/recreate';
import type { PanelTarget } from '../views/detailsPanel';
import { MultiStepInput, type Step } from '../views/multiStepInput';
import type { UndoLast } from '../views/undo';
import { copyConsoleCommands } from './consoleCommands';
import { destinationOf, destinationsOf, serverOf, type Targets } from './targets';

export interface DestinationDeps extends Targets {
  readonly log: vscode.LogOutputChannel;
  readonly undo: UndoLast;
}

/** Creates a destination and returns its row; the tree has it at once. */
export async function createDestination(
  d: { mirror: DestinationMirror; log: vscode.LogOutputChannel },
  server: string,
  params: CreateDestinationParams,
): Promise<Row> {
  const row = await d.mirror.request({ op: 'create', server, params });
  d.log.info(`created destination ${row.key} (${row.label}) on '${server}'`);
  return row;
}

export interface DeleteResult {
  deleted: { target: PanelTarget; label: string; plan: Recreate | { unavailable: string } }[];
  failed: { target: PanelTarget; label: string; message: string }[];
}

/** Deletes destinations one by one, keeping what recreates each for an Undo. */
export async function deleteDestinations(
  d: { mirror: DestinationMirror; log: vscode.LogOutputChannel },
  targets: PanelTarget[],
  onEach?: (label: string) => boolean,
): Promise<DeleteResult> {
  const result: DeleteResult = { deleted: [], failed: [] };
  for (const target of targets) {
    const label = d.mirror.row(target.server, target.key)?.label ?? target.key;
    if (onEach && !onEach(label)) break;
    const plan = await d.mirror.request({ op: 'recreate', ...target }).catch((e: unknown) => ({ unavailable: String(e) }));
    try {
      await d.mirror.request({ op: 'delete', ...target });
      d.log.info(`deleted destination ${target.key} on '${target.server}'`);
      result.deleted.push({ target, label, plan });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      d.log.error(`destination ${target.key} on '${target.server}' was not deleted: ${message}`);
      result.failed.push({ target, label, message });
    }
  }
  return result;
}

export function registerDestinationCommands(d: DestinationDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.refresh', async (arg?: unknown) => {
      const server =
        typeof arg === 'object' && arg && typeof (arg as { server?: unknown }).server === 'string'
          ? (arg as { server: string }).server
          : undefined;
      // A refused password is never sent again by a Refresh: the user signs in instead.
      if (server && d.mirror.server(server)?.summary.credentialsRefused) {
        await vscode.commands.executeCommand('jetstream.signIn', { server });
        return;
      }
      d.tree.resort(server);
      await d.mirror.request({ op: 'refresh', server, manual: true });
    }),
    vscode.commands.registerCommand('jetstream.createDestination', (arg?: unknown) => create(d, arg)),
    vscode.commands.registerCommand('jetstream.deleteDestination', (arg?: unknown, selected?: unknown) => remove(d, arg, selected)),
    vscode.commands.registerCommand('jetstream.openDetails', async (arg?: unknown) => {
      const target = await destinationOf(d, arg);
      // A click in the tree opens a preview; the palette, a key or a script opens a panel to keep.
      if (target) d.panels.open(target, { preview: typeof arg === 'object' && arg !== null && 'kind' in arg });
    }),
    vscode.commands.registerCommand('jetstream.copyDestinationId', (arg?: unknown) => copy(d, arg, (row) => row.key)),
    vscode.commands.registerCommand('jetstream.copyDestinationAddress', (arg?: unknown) =>
      copy(d, arg, (row) => `${row.address}:${row.port}`),
    ),
    vscode.commands.registerCommand('jetstream.copyDestinationJson', async (arg?: unknown) => {
      const target = await destinationOf(d, arg);
      const json = target && (await d.mirror.request({ op: 'json', ...target }));
      if (json) await toClipboard(json);
    }),
  ];
}

async function toClipboard(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 2000);
}

async function copy(d: DestinationDeps, arg: unknown, text: (row: Row) => string): Promise<void> {
  const target = await destinationOf(d, arg);
  const row = target && d.mirror.row(target.server, target.key);
  if (row) await toClipboard(text(row));
}

/** Checks one part of the request with the same schema the whole request is checked with. */
function checkWith(schema: { safeParse(v: unknown): { success: boolean; error?: import('zod').ZodError } }, value: unknown) {
  const r = schema.safeParse(value);
  return r.success ? undefined : { error: describeIssue(r.error!, value) };
}

const OPTIONS = ['relay', 'key', 'defaults', 'lanes', 'userData'] as const;
type Option = (typeof OPTIONS)[number];

/** The guided Create Destination: address, port, rate, then any of the optional settings, each step with Back. */
async function askCreateParams(server: string): Promise<CreateDestinationParams | undefined> {
  const title = vscode.l10n.t('Create Destination on {0}', server);
  const p: Record<string, unknown> = {};
  let chosen: Option[] = [];
  const total = () => 4 + chosen.length;
  const optionStep = (i: number): Step | undefined =>
    i < chosen.length ? (input) => askOption(input, title, chosen[i]!, 5 + i, total(), p).then(() => optionStep(i + 1)) : undefined;
  const ok = await MultiStepInput.run(async (input) => {
    const address = await input.showInputBox({
      title,
      step: 1,
      totalSteps: total(),
      prompt: vscode.l10n.t('Destination address: the receiving server, a host name or IP address'),
      placeholder: 'receiver.example.com',
      value: p.destinationAddress as string | undefined,
      validate: (t) => checkWith(HostAddress, t),
    });
    p.destinationAddress = address.trim();
    return async (input2) => {
      const port = await input2.showInputBox({
        title,
        step: 2,
        totalSteps: total(),
        prompt: vscode.l10n.t('UDP receiver port (1-65535)'),
        value: String(p.destinationPort ?? 8886),
        validate: (t) =>
          /^\d+$/.test(t.trim()) && +t >= 1 && +t <= 65535 ? undefined : { error: vscode.l10n.t('Enter a port from 1 to 65535.') },
      });
      p.destinationPort = Number(port);
      return async (input3) => {
        const rate = await input3.showInputBox({
          title,
          step: 3,
          totalSteps: total(),
          prompt: vscode.l10n.t('Maximum send rate, e.g. 100 Mbit/s; empty for the server default'),
          value: (p.rateText as string | undefined) ?? '',
          validate: (t) => {
            const r = parseRate(t, vscode.l10n);
            return !r ? undefined : 'error' in r ? r : { understood: vscode.l10n.t('Understood: {0}', r.understood) };
          },
        });
        const r = parseRate(rate, vscode.l10n);
        p.rateText = rate;
        if (r && 'value' in r) p.sendRateMax = r.value;
        else delete p.sendRateMax;
        return async (input4) => {
          const labels: Record<Option, string> = {
            relay: vscode.l10n.t('Relay'),
            key: vscode.l10n.t('Permitted destination public key'),
            defaults: vscode.l10n.t('Transfer defaults'),
            lanes: vscode.l10n.t('Priority lanes'),
            userData: vscode.l10n.t('Initial userData'),
          };
          const items = OPTIONS.map((o) => ({ label: labels[o], option: o }));
          const picked = await input4.showQuickPick({
            title,
            step: 4,
            totalSteps: total(),
            placeholder: vscode.l10n.t('More settings (optional): tick any, then press Enter'),
            items,
            canPickMany: true,
            selected: items.filter((i) => chosen.includes(i.option)),
          });
          chosen = picked.map((i) => i.option);
          return optionStep(0);
        };
      };
    };
  });
  if (!ok) return undefined;
  delete p.rateText;
  const parsed = CreateDestinationParams.safeParse(p);
  if (!parsed.success) {
    void vscode.window.showErrorMessage(describeIssue(parsed.error, p));
    return undefined;
  }
  return parsed.data;
}

async function askOption(
  input: MultiStepInput,
  title: string,
  option: Option,
  step: number,
  totalSteps: number,
  p: Record<string, unknown>,
): Promise<void> {
  const box = (
    prompt: string,
    placeholder: string,
    validate: (t: string) => { error: string } | { understood: string } | undefined,
    value?: string,
  ) => input.showInputBox({ title, step, totalSteps, prompt, placeholder, validate, value });
  switch (option) {
    case 'relay': {
      const t = await box(vscode.l10n.t('Relay as host:port'), 'relay.example.com:8887', (v) => {
        const [host, port] = v.trim().split(':');
        if (!HostAddress.safeParse(host).success || !port || !/^\d+$/.test(port) || +port < 1 || +port > 65535)
          return { error: vscode.l10n.t('Use host:port.') };
        return undefined;
      });
      const [host, port] = t.trim().split(':');
      Object.assign(p, { relayAddress: host, relayPort: Number(port) });
      return;
    }
    case 'key':
      p.permittedDestinationPublicKey = (
        await box(vscode.l10n.t("The receiving server's public key; connections to any other key are refused"), '', (v) =>
          v.trim() ? undefined : { error: vscode.l10n.t('Enter the key.') },
        )
      ).trim();
      return;
    case 'defaults': {
      const read = (v: string) => {
        const pairs = parsePairs(v, false, vscode.l10n);
        if ('error' in pairs) return pairs;
        const typed = Object.fromEntries(Object.entries(pairs.value).map(([k, x]) => [k, k === 'priorityLane' ? x : Number(x)]));
        return checkWith(TransferDefaultsInput, typed) ?? { typed, understood: vscode.l10n.t('Understood: {0}', pairs.understood) };
      };
      const t = await box(
        vscode.l10n.t(
          'Transfer defaults as name=value: checkpointFrequencySeconds, overwriteMode (0-5), priority, priorityLane, sendRateMax, transferFlags',
        ),
        'priority=2 overwriteMode=3 checkpointFrequencySeconds=30',
        (v) => {
          const r = read(v);
          return 'error' in r ? { error: r.error } : { understood: r.understood };
        },
      );
      p.transferDefaults = (read(t) as { typed: unknown }).typed;
      return;
    }
    case 'lanes': {
      const t = await box(
        vscode.l10n.t('Priority lanes as name=proportion, proportions adding up to at most 1'),
        'interactive=0.3 bulk=0.7',
        (v) => {
          const pairs = parsePairs(v, true, vscode.l10n);
          if ('error' in pairs) return pairs;
          return checkWith(PriorityLanes, pairs.value) ?? { understood: vscode.l10n.t('Understood: {0}', pairs.understood) };
        },
      );
      const pairs = parsePairs(t, true, vscode.l10n);
      if ('value' in pairs) p.priorityLanes = pairs.value;
      return;
    }
    case 'userData': {
      const read = (v: string): { error: string } | { value: unknown } => {
        try {
          const value: unknown = JSON.parse(v);
          return checkWith(UserDataInput, value) ?? { value };
        } catch {
          return { error: vscode.l10n.t('Not valid JSON.') };
        }
      };
      const t = await box(vscode.l10n.t('userData as a JSON object of strings'), '{"team": "media", "ticket": "OPS-42"}', (v) => {
        const r = read(v);
        return 'error' in r ? r : undefined;
      });
      p.userData = (read(t) as { value: unknown }).value;
    }
  }
}

async function create(d: DestinationDeps, arg: unknown): Promise<void> {
  const server = await serverOf(d, arg);
  if (!server) return;
  const params = await askCreateParams(server);
  if (!params) return;
  try {
    const row = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating destination {0}…', params.destinationAddress) },
      () => createDestination(d, server, params),
    );
    try {
      await d.treeView.reveal(d.tree.destinationNode(server, row.key), { select: true, focus: true });
    } catch {
      // A filter may hide the new destination: it exists all the same.
      vscode.window.setStatusBarMessage(vscode.l10n.t('Created {0}; the filter hides it.', params.destinationAddress), 5000);
    }
    const asCommand = vscode.l10n.t('Copy as Console Command');
    // Not awaited: the command is done when the destination exists, whatever happens to the toast.
    void vscode.window.showInformationMessage(vscode.l10n.t('Created destination {0}.', row.label), asCommand).then((choice) => {
      if (choice === asCommand) return copyConsoleCommands(d, server, 'send.createDestination', [params]);
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    d.log.error(`could not create destination ${params.destinationAddress} on '${server}': ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not create destination {0}: {1}', params.destinationAddress, message));
  }
}

async function remove(d: DestinationDeps, arg: unknown, selected: unknown): Promise<void> {
  const targets = (await destinationsOf(d, arg, selected)).filter((t) => d.mirror.row(t.server, t.key));
  if (!targets.length) return;
  const names = targets.map((t) => d.mirror.row(t.server, t.key)!.label);
  const list =
    names.length <= 10 ? names.join('\n') : `${names.slice(0, 10).join('\n')}\n${vscode.l10n.t('and {0} more', names.length - 10)}`;
  const del = vscode.l10n.t('Delete');
  const asCommand = vscode.l10n.t('Copy as Console Command');
  const choice = await vscode.window.showWarningMessage(
    targets.length === 1
      ? vscode.l10n.t('Delete destination {0}?', names[0]!)
      : vscode.l10n.t('Delete these {0} destinations?', targets.length),
    {
      modal: true,
      detail: `${list}\n\n${targets.length === 1 ? vscode.l10n.t('Transfers queued to it are dropped by the server.') : vscode.l10n.t('Transfers queued to them are dropped by the server.')}`,
    },
    del,
    asCommand,
  );
  if (choice === asCommand) {
    // Per server: each server's console is its own command line.
    for (const server of new Set(targets.map((t) => t.server))) {
      const ids = targets.filter((t) => t.server === server).map((t) => ({ destinationId: d.mirror.row(t.server, t.key)!.id }));
      await copyConsoleCommands(d, server, 'send.deleteDestination', ids);
    }
    return;
  }
  if (choice !== del) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting destinations'), cancellable: true },
    (progress, token) =>
      deleteDestinations(d, targets, (label) => {
        progress.report({ message: label, increment: 100 / targets.length });
        return !token.isCancellationRequested;
      }),
  );
  for (const f of result.failed)
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not delete destination {0}: {1}', f.label, f.message));
  if (!result.deleted.length) return;
  const what =
    result.deleted.length === 1
      ? vscode.l10n.t('delete of destination {0}', result.deleted[0]!.label)
      : vscode.l10n.t('delete of {0} destinations', result.deleted.length);
  const offer = d.undo.offer(what, () => undoDeletes(d, result));
  const undoWord = vscode.l10n.t('Undo');
  const done =
    result.deleted.length === 1
      ? vscode.l10n.t('Deleted destination {0}.', result.deleted[0]!.label)
      : vscode.l10n.t('Deleted {0} destinations.', result.deleted.length);
  if ((await vscode.window.showInformationMessage(done, undoWord)) === undoWord) await d.undo.run(offer);
}

/** Recreates what a delete removed (new ids); open panels follow; says what could not be restored. */
export async function undoDeletes(d: DestinationDeps, result: DeleteResult): Promise<void> {
  for (const gone of result.deleted) {
    if ('unavailable' in gone.plan) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Destination {0} cannot be recreated: {1}', gone.label, gone.plan.unavailable));
      continue;
    }
    try {
      const row = await createDestination(d, gone.target.server, gone.plan.params);
      d.panels.follow(gone.target, { server: gone.target.server, key: row.key });
      if (gone.plan.lost.length)
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Destination {0} was recreated without {1}.', gone.label, gone.plan.lost.map(lostWords).join(', ')),
        );
    } catch (e) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Could not recreate destination {0}: {1}', gone.label, e instanceof Error ? e.message : String(e)),
      );
    }
  }
}

function lostWords(part: LostPart): string {
  switch (part.part) {
    case 'relay':
      return vscode.l10n.t('its relay (not resolved yet when it was deleted)');
    case 'lanes':
      return vscode.l10n.t('its priority lanes (of a shape this extension cannot send back)');
    case 'userData':
      return vscode.l10n.t('userData that is not text ({0})', part.keys.join(', '));
  }
}
