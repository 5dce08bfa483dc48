/** What the table page says beside its rows: how many there are, the servers not yet read, why none is shown. */
import { formatCount } from '../../model/format';
import { isTableFiltered } from '../../model/tableFilter';
import type { TableModel } from '../../model/tableModel';
import type { TableSelection } from '../../model/tableSelection';
import { h, setText } from '../dom';
import * as l10n from '../strings';
import type { ServerLine } from '../tableProtocol';

/** Where the rows are: none sent yet, the first ones arriving, all of them here. */
export type Phase = 'waiting' | 'loading' | 'live';

export class TableNotes {
  readonly count = h('span', { id: 'count', class: 'count', role: 'status' });
  readonly serverLine = h('p', { id: 'servers', class: 'servers', role: 'status', hidden: true });
  readonly empty = h('div', { id: 'empty', class: 'empty', hidden: true });

  constructor(
    private readonly model: TableModel,
    private readonly selection: TableSelection,
    /** The empty table's Clear Filter button. */
    private readonly clearFilter: () => void,
  ) {}

  showCount(phase: Phase): void {
    const total = this.model.total;
    const shown = this.model.shown.length;
    const rows =
      phase === 'waiting'
        ? l10n.t('Loading…')
        : isTableFiltered(this.model.filter)
          ? l10n.t('{0} of {1} destinations', formatCount(shown), formatCount(total))
          : total === 1
            ? l10n.t('1 destination')
            : l10n.t('{0} destinations', formatCount(total));
    const selected = this.selection.selected.size;
    const loading = phase === 'loading' ? ` · ${l10n.t('loading…')}` : '';
    setText(this.count, `${rows}${loading}${selected ? ` · ${l10n.t('{0} selected', formatCount(selected))}` : ''}`);
  }

  showEmpty(phase: Phase): void {
    const none = phase === 'live' && this.model.shown.length === 0;
    this.empty.hidden = !none;
    if (!none) return;
    const filtered = this.model.total > 0;
    const text = filtered ? l10n.t('No destination matches the filter.') : l10n.t('There are no destinations yet.');
    if (this.empty.dataset.text === text) return;
    this.empty.dataset.text = text;
    this.empty.replaceChildren(h('p', { text }));
    if (filtered) {
      const clear = h('button', { type: 'button', text: l10n.t('Clear Filter') });
      clear.addEventListener('click', this.clearFilter);
      this.empty.append(clear);
    }
  }

  showServers(servers: ServerLine[]): void {
    const notes = servers
      .filter((s) => s.phase !== 'ok')
      .map((s) => (s.phase === 'loading' ? l10n.t('{0}: loading…', s.name) : l10n.t('{0}: {1}', s.name, s.problem ?? l10n.t('error'))));
    this.serverLine.hidden = !notes.length;
    setText(this.serverLine, notes.join(' · '));
  }
}
