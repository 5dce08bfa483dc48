/**
 * Create Destination: the guided form (address, port, rate, then any of the optional settings) and the
 * one create it ends in, which Undo of a delete goes through too. Its own module: the form is most of
 * the destination commands' code and nothing else there uses it.
 */
import * as vscode from 'vscode';
import { PriorityLanes } from '../api/schemas';
import { CreateDestinationParams, HostAddress, TransferDefaultsInput, UserDataInput } from '../api/inputSchemas';
import { describeIssue } from '../api/issues';
import type { Row } from '../model/engine/protocol';
import { parsePairs, parseRate } from '../model/inputs';
import type { DestinationMirror } from '../model/mirror';
import { DEFAULT_DESTINATION_PORT } from '../model/rows';
import { MultiStepInput, type Step } from '../views/multiStepInput';
import { copyConsoleCommands } from './consoleCommands';
import { serverOf, type Targets } from './targets';

export interface CreateDeps extends Targets {
  readonly log: vscode.LogOutputChannel;
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
        value: String(p.destinationPort ?? DEFAULT_DESTINATION_PORT),
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

/** The Create Destination command: which server, the form, the create, then the new row revealed. */
export async function create(d: CreateDeps, arg: unknown): Promise<void> {
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
