/**
 * Alerts as the user meets them: a notification for what model/alerts.ts raises (several at once in
 * one), with Open Details and Show in Table, a status bar item counting the alerts in force, the
 * JetStream log saying each one raised and cleared, and Show Alerts listing them. Everything they say
 * comes from the mirror's rows, which the engine has already redacted.
 */
import * as vscode from 'vscode';
import { AlertTracker, alertSettings, type Alert, type ClearReason } from '../model/alerts';
import type { DestinationMirror, MirrorChange } from '../model/mirror';
import type { PollingGate } from '../model/pollingGate';
import type { DestinationsTreeProvider } from './tree';
import type { Node } from './treeNodes';

/** The destinations table's command (views/table*): it may not be there; the tree is then shown instead. */
export const TABLE_COMMAND = 'jetstream.openTable';
export const SHOW_ALERTS_COMMAND = 'jetstream.showAlerts';
/** How many alerts a grouped notification names before it says "and N more". */
const NAMED = 3;

export interface AlertsDeps {
  readonly mirror: DestinationMirror;
  readonly tree: DestinationsTreeProvider;
  readonly treeView: vscode.TreeView<Node>;
  readonly log: vscode.LogOutputChannel;
  /** Whether servers are polled. While they are not, the rows are not news: the conditions' time stands still. */
  readonly gate: Pick<PollingGate, 'active' | 'onDidChange' | 'set'>;
}

const REASONS: Record<ClearReason, string> = {
  ended: 'the condition ended',
  deleted: 'the destination is gone',
  serverRemoved: 'the server was removed',
  settingOff: 'the setting was turned off',
};

/** The alert in the log's words (English, as every log line). */
function logText(a: Alert): string {
  const what =
    a.condition === 'error'
      ? `in error: ${a.error}`
      : a.condition === 'disconnected'
        ? `disconnected for more than ${a.threshold} s`
        : `${a.queued} transfers queued (more than ${a.threshold})`;
  return `${a.server} / ${a.label} (${a.key}): ${what}`;
}

/** What the alert says after the destination's name, for a list. */
function conditionText(a: Alert): string {
  switch (a.condition) {
    case 'error':
      return vscode.l10n.t('in error: {0}', a.error);
    case 'disconnected':
      return vscode.l10n.t('disconnected for more than {0} s', a.threshold);
    case 'queue':
      return vscode.l10n.t('{0} transfers queued (more than {1})', a.queued, a.threshold);
  }
}

/** One alert as a sentence. */
function alertMessage(a: Alert): string {
  switch (a.condition) {
    case 'error':
      return vscode.l10n.t('{0} ({1}) is in error: {2}', a.label, a.server, a.error);
    case 'disconnected':
      return vscode.l10n.t('{0} ({1}) has been disconnected for more than {2} s.', a.label, a.server, a.threshold);
    case 'queue':
      return vscode.l10n.t('{0} ({1}) has {2} transfers queued, more than {3}.', a.label, a.server, a.queued, a.threshold);
  }
}

const ICONS = { error: 'circle-slash', disconnected: 'debug-disconnect', queue: 'layers' } as const;

export class DestinationAlerts implements vscode.Disposable {
  private readonly tracker = new AlertTracker();
  private readonly item = vscode.window.createStatusBarItem('jetstream.alerts', vscode.StatusBarAlignment.Left, 49);
  private visible = false;
  private readonly subscriptions: vscode.Disposable[];
  private timer: ReturnType<typeof setInterval> | undefined;
  private shown = '';

  constructor(private readonly deps: AlertsDeps) {
    this.item.name = vscode.l10n.t('JetStream Alerts');
    this.item.command = SHOW_ALERTS_COMMAND;
    this.subscriptions = [
      deps.mirror.onDidChange((c) => this.changed(c)),
      deps.mirror.onDidChangeServers(() => this.serversChanged()),
      deps.gate.onDidChange((active) => this.pollingChanged(active)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('jetstream.alerts') && this.configure()),
      vscode.commands.registerCommand(SHOW_ALERTS_COMMAND, () => this.showAlerts()),
    ];
    this.pollingChanged(deps.gate.active);
    this.configure();
  }

  /** The alerts in force, oldest first. */
  active(): Alert[] {
    return this.tracker.active();
  }

  /** What the status bar shows (text and accessible name), undefined while it shows nothing: for tests. */
  get statusBar(): { text: string; label: string } | undefined {
    return this.visible ? { text: this.item.text, label: this.item.accessibilityInformation?.label ?? '' } : undefined;
  }

  private now(): number {
    return Date.now();
  }

  private pollingChanged(active: boolean): void {
    if (active) this.tracker.resume(this.now());
    else this.tracker.pause(this.now());
  }

  private configure(): void {
    const c = vscode.workspace.getConfiguration('jetstream.alerts');
    this.tracker.configure(
      alertSettings({ onError: c.get('onError'), disconnectedSeconds: c.get('disconnectedSeconds'), queueAbove: c.get('queueAbove') }),
    );
    // Alerts are for trouble nobody is looking at: while they are on, polling goes on with the view hidden.
    this.deps.gate.set({ alerts: this.tracker.enabled });
    const now = this.now();
    if (this.tracker.enabled) {
      for (const view of this.deps.mirror.servers())
        if (view.summary.phase !== 'loading') this.tracker.sync(view.profile.name, view.rows.values(), now);
      this.timer ??= setInterval(() => this.flush(this.now()), 1000);
    } else if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.flush(now);
  }

  private changed(c: MirrorChange): void {
    if (!this.tracker.enabled) return;
    const view = this.deps.mirror.server(c.server);
    if (!view) return;
    const now = this.now();
    if (c.listChanged) this.tracker.sync(c.server, view.rows.values(), now);
    else
      for (const key of c.changed) {
        const row = view.rows.get(key);
        if (row) this.tracker.observe(c.server, row, now);
      }
    this.flush(now);
  }

  private serversChanged(): void {
    this.tracker.keepServers(this.deps.mirror.servers().map((v) => v.profile.name));
    this.flush(this.now());
  }

  private flush(now: number): void {
    const events = this.tracker.tick(now);
    for (const a of events.raised) this.deps.log.info(`alert raised: ${logText(a)}`);
    for (const { alert, reason } of events.cleared) this.deps.log.info(`alert cleared (${REASONS[reason]}): ${logText(alert)}`);
    if (events.notify.length) void this.notify(events.notify);
    this.update();
  }

  private async notify(alerts: Alert[]): Promise<void> {
    const open = vscode.l10n.t('Open Details');
    const table = vscode.l10n.t('Show in Table');
    const message =
      alerts.length === 1
        ? alertMessage(alerts[0]!)
        : vscode.l10n.t(
            '{0} JetStream alerts: {1}',
            alerts.length,
            [
              ...alerts.slice(0, NAMED).map((a) => `${a.label} (${a.server}) ${conditionText(a)}`),
              ...(alerts.length > NAMED ? [vscode.l10n.t('and {0} more', alerts.length - NAMED)] : []),
            ].join('; '),
          );
    const choice = await vscode.window.showWarningMessage(message, open, table);
    if (!choice) return;
    const alert = alerts.length === 1 ? alerts[0] : await this.pick(alerts, choice === open ? open : table);
    if (!alert) return;
    if (choice === open) await this.openDetails(alert);
    else await this.showInTable(alert);
  }

  private async pick(alerts: Alert[], title: string): Promise<Alert | undefined> {
    const items = alerts.map((a) => ({
      label: `$(${ICONS[a.condition]}) ${a.label}`,
      description: a.server,
      detail: conditionText(a),
      alert: a,
    }));
    return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true }))?.alert;
  }

  private async showAlerts(): Promise<void> {
    const alerts = this.tracker.active();
    if (!alerts.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No JetStream alerts are active.'));
      return;
    }
    const alert = await this.pick(alerts, vscode.l10n.t('JetStream Alerts'));
    if (alert) await this.openDetails(alert);
  }

  /** Whether the destination is still there; says so when it is not. */
  private present(a: Alert): boolean {
    if (this.deps.mirror.row(a.server, a.key)) return true;
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is no longer on {1}.', a.label, a.server));
    return false;
  }

  private async openDetails(a: Alert): Promise<void> {
    if (this.present(a)) await vscode.commands.executeCommand('jetstream.openDetails', { server: a.server, destinationId: a.key });
  }

  /** In the destinations table when there is one; otherwise the destination's row in the tree. */
  private async showInTable(a: Alert): Promise<void> {
    if (!this.present(a)) return;
    const target = { server: a.server, destinationId: a.key };
    if ((await vscode.commands.getCommands(true)).includes(TABLE_COMMAND)) {
      await vscode.commands.executeCommand(TABLE_COMMAND, target);
      return;
    }
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    await this.deps.treeView
      .reveal(this.deps.tree.destinationNode(a.server, a.key), { select: true, focus: true })
      .then(undefined, (e: unknown) => {
        this.deps.log.warn(`could not reveal ${a.server} / ${a.key} in the tree: ${e instanceof Error ? e.message : String(e)}`);
      });
  }

  private update(): void {
    const alerts = this.tracker.active();
    const key = alerts.map((a) => `${a.server}\n${a.key}\n${a.condition}`).join('\n');
    if (key === this.shown) return;
    this.shown = key;
    this.visible = alerts.length > 0;
    if (!alerts.length) {
      this.item.hide();
      return;
    }
    // A bell: not the Problems counter's $(error)/$(warning), and not the servers item's icons.
    this.item.text = `$(bell) ${alerts.length}`;
    const label =
      alerts.length === 1 ? vscode.l10n.t('JetStream: 1 active alert') : vscode.l10n.t('JetStream: {0} active alerts', alerts.length);
    this.item.tooltip = [
      label,
      ...alerts.slice(0, 5).map((a) => `${a.label} (${a.server}) ${conditionText(a)}`),
      alerts.length > 5 ? vscode.l10n.t('and {0} more', alerts.length - 5) : '',
      vscode.l10n.t('Click to list them.'),
    ]
      .filter(Boolean)
      .join('\n');
    this.item.accessibilityInformation = { label };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
