/**
 * The details page as one object: it builds the DOM once and patches it with each snapshot, so scroll,
 * focus and an edit in progress survive live updates. Before live data comes it shows the last known
 * data from the page state, marked as such, or says it is waiting; never a blank page.
 */
import { TRANSFER_DEFAULTS_FIELDS } from '../api/schemas';
import { valueText } from '../model/bounded';
import { Charts } from './charts';
import { h, setText } from './dom';
import { clockTime, SECTIONS, STATUS_WORDS, transferDefaultSpec } from './fields';
import { Lanes } from './lanes';
import type { Channel } from './messages';
import type { PanelState, SnapshotMessage } from './protocol';
import { FieldRows, section } from './sections';
import type { PageState, PageStore, SavedSnapshot } from './state';
import * as l10n from './strings';
import { UserDataTable } from './userData';

type Phase = 'waiting' | 'restored' | 'live';

export class App {
  readonly charts = new Charts();
  private readonly lanes = new Lanes();
  private readonly userData: UserDataTable;
  private readonly fields: FieldRows;
  private readonly heading = h('h1', { id: 'title' });
  private readonly badge = h('span', { class: 'badge', id: 'status-badge', role: 'status' });
  private readonly notice = h('p', { class: 'notice', id: 'notice', role: 'status' });
  private readonly banner = h('div', { class: 'banner', id: 'banner', role: 'alert', hidden: true });
  private readonly problems = h('div', { class: 'problems', id: 'problems', role: 'status', hidden: true });
  private readonly raw = h('pre', { class: 'raw', tabindex: '0', 'aria-label': l10n.t('The destination as JSON') });
  private readonly copyJson = h('button', { type: 'button', class: 'copy-json', text: l10n.t('Copy JSON'), disabled: true });
  private current: SnapshotMessage | undefined;
  private problemsSignature = '';

  constructor(root: HTMLElement, channel: Channel, store: PageStore, panel: PanelState | undefined) {
    this.userData = new UserDataTable(channel, store);
    this.fields = new FieldRows(channel);
    setText(this.heading, panel?.destinationId || l10n.t('Destination details'));
    const refresh = h('button', { type: 'button', text: l10n.t('Refresh') });
    refresh.addEventListener('click', () => channel.post({ type: 'refresh' }));
    this.copyJson.addEventListener(
      'click',
      () => this.current && channel.post({ type: 'copy', text: JSON.stringify(this.current.destination, null, 2) }),
    );

    const sections = h('div', { class: 'sections' });
    for (const s of SECTIONS) {
      const body: Node[] = [this.fields.list(s.fields)];
      if (s.id === 'performance') body.push(this.charts.element);
      sections.append(section(s.id, s.title, ...body));
    }
    sections.append(
      section('transfer-defaults', l10n.t('Transfer defaults'), this.fields.list(TRANSFER_DEFAULTS_FIELDS.map(transferDefaultSpec))),
      section('priority-lanes', l10n.t('Priority lanes'), this.lanes.element),
      section('user-data', l10n.t('userData'), this.userData.element),
      this.fields.otherSection,
      section(
        'raw',
        l10n.t('Raw JSON'),
        h(
          'details',
          { id: 'raw-details' },
          h('summary', { text: l10n.t('The destination as the server sent it') }),
          this.copyJson,
          this.raw,
        ),
      ),
    );
    this.fields.finish();
    root.textContent = '';
    root.append(h('header', {}, this.heading, this.badge, refresh), this.notice, this.banner, this.problems, sections);
    this.setPhase('waiting');
  }

  /** Puts back the page as it was before a reload: what was typed, open details, the last known data. */
  restore(state: PageState): void {
    this.userData.restore(state);
    for (const d of document.querySelectorAll('details')) d.open = state.open.includes(d.id);
    if (state.last) this.show(state.last.message, state.last);
  }

  /** A live snapshot from the extension. */
  apply(m: SnapshotMessage): void {
    this.show(m);
  }

  /** The extension has no data to show, and says why. */
  problem(text: string): void {
    this.banner.hidden = false;
    setText(this.banner, text);
    // "Waiting" would contradict the reason; last known data stays marked as such.
    if (!this.current) this.notice.hidden = true;
  }

  private show(m: SnapshotMessage, saved?: SavedSnapshot): void {
    this.current = m;
    // An excerpt is not what the server sent: nothing is copied from it.
    const canCopy = !saved?.excerpt;
    const record = m.destination;
    this.setPhase(saved ? 'restored' : 'live', saved?.at);
    const name = `${valueText(record.destinationAddress, 200)}:${valueText(record.destinationPort, 20)}`;
    setText(this.heading, name);
    document.title = name;
    this.badge.className = `badge ${m.status}`;
    setText(this.badge, STATUS_WORDS[m.status] ?? m.status);
    this.banner.hidden = m.liveness === 'live';
    setText(
      this.banner,
      m.liveness === 'deleted'
        ? l10n.t('This destination no longer exists on the server. Showing the last data seen.')
        : m.liveness === 'unreachable'
          ? l10n.t('{0} Showing the last data seen.', m.problem ?? l10n.t('The server cannot be reached.'))
          : '',
    );
    document.body.dataset.liveness = m.liveness;
    this.patchProblems(m);
    this.fields.patch(record, m.problems, canCopy);
    this.lanes.patch(record.priorityLanes);
    this.userData.patch(userDataOf(m), !saved);
    setText(this.raw, JSON.stringify(record, null, 2));
    this.copyJson.disabled = !canCopy;
    this.charts.update(m.history);
  }

  private setPhase(phase: Phase, at?: number): void {
    document.body.dataset.phase = phase;
    this.badge.hidden = phase === 'waiting';
    this.notice.hidden = phase === 'live';
    setText(
      this.notice,
      phase === 'waiting'
        ? l10n.t('Waiting for the server…')
        : phase === 'restored'
          ? l10n.t('Last known data from {0}; waiting for the server…', clockTime(at ?? Date.now()))
          : '',
    );
  }

  /** The fields that do not fit the Destination structure, listed above the sections. */
  private patchProblems(m: SnapshotMessage): void {
    const signature = JSON.stringify(m.problems);
    if (signature === this.problemsSignature) return;
    this.problemsSignature = signature;
    this.problems.textContent = '';
    this.problems.hidden = !m.problems.length;
    if (!m.problems.length) return;
    this.problems.append(
      h('p', { class: 'problems-title', text: l10n.t('The server sent data this extension did not expect:') }),
      h('ul', {}, ...m.problems.map((p) => h('li', { text: p.field ? l10n.t('{0}: {1}', p.field, p.message) : p.message }))),
    );
  }
}

/** userData of a snapshot: any JSON values, as the server sent them. */
function userDataOf(m: SnapshotMessage): Record<string, unknown> {
  const u = m.destination.userData;
  return typeof u === 'object' && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : {};
}
