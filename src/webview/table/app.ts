/**
 * The destinations table's page as one object: a toolbar (filter, count, actions, columns, refresh),
 * the virtual grid, and a line for servers that are loading or failing. Rows arrive from the
 * extension as changes; the model filters and sorts them here, so typing a filter answers at once.
 * Every action works from the keyboard (actions.ts); what the page says beside the rows is notes.ts.
 */
import { DEFAULT_COLUMNS, type ColumnId } from '../../model/table';
import { isTableFiltered, NO_TABLE_FILTER, parseTableFilter } from '../../model/tableFilter';
import { TableModel } from '../../model/tableModel';
import { TableSelection } from '../../model/tableSelection';
import { nextSort } from '../../model/tableSort';
import { debounce, h, setText } from '../dom';
import * as l10n from '../strings';
import { HISTORY_ROWS, type FromTable, type ToTable } from '../tableProtocol';
import { SelectionActions } from './actions';
import { ColumnChooser } from './chooser';
import { columnDef } from './columns';
import { Grid } from './grid';
import { TableNotes, type Phase } from './notes';
import { rateHistory } from './sparkline';

const idle = (fn: () => void) =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 500 }) : setTimeout(fn, 20);

/** The sparklines of the rows in view are asked for again this often, and this long after a scroll stops. */
const HISTORY_REFRESH_MS = 5000;
const HISTORY_DEBOUNCE_MS = 250;

export class TablePage {
  readonly model = new TableModel();
  readonly selection = new TableSelection();
  readonly grid: Grid;
  private columns: ColumnId[] = [...DEFAULT_COLUMNS];
  private filterLine = '';
  private phase: Phase = 'waiting';
  private reveal: number | undefined;
  private frame = 0;
  private resortTimer: ReturnType<typeof setTimeout> | undefined;
  private preparing = false;
  private readonly filterInput = h('input', {
    type: 'search',
    id: 'filter',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-label': l10n.t('Filter destinations'),
    'aria-describedby': 'filter-error count',
    placeholder: l10n.t('Filter: words, status:error, owner:NAME, server:NAME, userData.KEY:VALUE'),
  });
  private readonly filterError = h('p', { id: 'filter-error', class: 'filter-error', role: 'alert', hidden: true });
  private readonly notes: TableNotes;
  private readonly actions: SelectionActions;
  private readonly chooser: ColumnChooser;
  private readonly saveView = debounce(() => this.post({ type: 'view', view: this.view() }), 300);
  private readonly askHistorySoon = debounce(() => this.askHistory(), HISTORY_DEBOUNCE_MS);
  private historyAsked = { rows: '', at: 0 };

  constructor(
    root: HTMLElement,
    private readonly post: (m: FromTable) => void,
  ) {
    this.grid = new Grid({
      sort: (column) => this.sortBy(column),
      click: (n, mods) => {
        this.selection.click(n, this.model.shown, mods);
        this.schedule();
      },
      open: (n) => this.post({ type: 'open', n }),
      key: (e) => this.actions.key(e),
    });
    this.grid.element.setAttribute('aria-label', l10n.t('Destinations'));
    // Tabbing into the grid puts the keyboard on a row: the first, when none had it yet.
    this.grid.element.addEventListener('focus', () => {
      if (this.selection.focus !== undefined && this.model.isShown(this.selection.focus)) return;
      this.selection.focus = this.model.shown[0];
      this.schedule();
    });
    this.chooser = new ColumnChooser(
      () => this.model.userDataKeys(),
      (columns) => {
        this.setColumns(columns);
        this.saveView();
      },
    );
    this.actions = new SelectionActions(this.model, this.selection, this.grid, post, () => this.schedule());
    this.notes = new TableNotes(this.model, this.selection, () => {
      this.filterInput.value = '';
      this.setFilter('');
      this.filterInput.focus();
    });
    const refresh = h('button', {
      type: 'button',
      id: 'refresh',
      text: l10n.t('Refresh'),
      title: l10n.t('Read every server now and sort again'),
    });
    refresh.addEventListener('click', () => {
      this.model.resort();
      this.schedule();
      this.post({ type: 'refresh' });
    });
    this.filterInput.addEventListener('input', () => this.setFilter(this.filterInput.value));
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        this.grid.element.focus();
      }
    });
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        this.filterInput.focus();
        this.filterInput.select();
      }
    });
    root.replaceChildren(
      h(
        'header',
        { class: 'toolbar' },
        this.filterInput,
        this.notes.count,
        h(
          'div',
          { class: 'actions', role: 'toolbar', 'aria-label': l10n.t('Actions on the selection') },
          ...Object.values(this.actions.buttons),
          this.chooser.button,
          refresh,
        ),
      ),
      this.filterError,
      this.chooser.element,
      this.notes.serverLine,
      this.grid.element,
    );
    // Under the header, where the rows would be.
    this.grid.element.append(this.notes.empty);
    this.grid.setColumns(this.columns.map(columnDef), this.model.sort);
    this.grid.element.addEventListener('scroll', this.askHistorySoon, { passive: true });
    setInterval(() => this.askHistory(), HISTORY_REFRESH_MS);
    this.schedule();
  }

  /** The recent send rate of the rows in view, for their sparklines: when they change, else every few seconds while seen. */
  private askHistory(): void {
    if (this.phase !== 'live' || !this.columns.includes('rate') || document.visibilityState === 'hidden') return;
    const rows = this.grid.rowsInView().slice(0, HISTORY_ROWS);
    if (!rows.length) return;
    const key = rows.join(',');
    const now = Date.now();
    if (key === this.historyAsked.rows && now - this.historyAsked.at < HISTORY_REFRESH_MS - HISTORY_DEBOUNCE_MS) return;
    this.historyAsked = { rows: key, at: now };
    this.post({ type: 'history', rows });
  }

  receive(m: ToTable): void {
    switch (m.type) {
      case 'view':
        this.model.setSort(m.view.sort);
        this.filterInput.value = m.view.filter;
        this.setFilter(m.view.filter, false);
        this.setColumns(m.view.columns);
        break;
      case 'rows':
        this.model.apply(m.upserts, m.removed, m.reset);
        if (m.reset) rateHistory.clear();
        else rateHistory.delete(m.removed);
        if (m.reset) {
          this.selection.clear();
          this.phase = 'loading';
        }
        if (m.done) {
          this.phase = 'live';
          this.prepareWhenIdle();
        }
        break;
      case 'servers':
        this.notes.showServers(m.servers);
        break;
      case 'reveal':
        this.reveal = m.n;
        break;
      case 'resort':
        this.model.resort();
        break;
      case 'history':
        rateHistory.set(m.spanMs, m.series);
        this.grid.repaint('rate');
        return;
    }
    this.schedule();
  }

  /** The rows' search text, made while nothing else happens, so the first filter with words answers at once. */
  private prepareWhenIdle(): void {
    if (this.preparing) return;
    this.preparing = true;
    const step = () => {
      if (this.model.prepare(5000)) idle(step);
      else this.preparing = false;
    };
    idle(step);
  }

  private view() {
    return { columns: this.columns, sort: this.model.sort, filter: this.filterLine };
  }

  private setColumns(columns: ColumnId[]): void {
    this.columns = columns;
    this.chooser.set(columns);
    this.grid.setColumns(columns.map(columnDef), this.model.sort);
  }

  private sortBy(column: ColumnId): void {
    this.model.setSort(nextSort(this.model.sort, column));
    this.grid.setColumns(this.columns.map(columnDef), this.model.sort);
    this.saveView();
    this.schedule();
  }

  /** A filter as typed: applied at once when it reads, said what is wrong when it does not (the last good one stays). */
  private setFilter(line: string, save = true): void {
    const parsed = parseTableFilter(line, l10n);
    const error = 'error' in parsed ? parsed.error : '';
    this.filterError.hidden = !error;
    setText(this.filterError, error);
    this.filterInput.setAttribute('aria-invalid', String(!!error));
    if ('error' in parsed) return;
    this.filterLine = line.trim();
    this.model.setFilter(parsed.filter);
    if (save) this.saveView();
    this.schedule();
  }

  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.update();
    });
  }

  /** Once a frame at most: the order brought up to date, then the grid, the count and the buttons. */
  update(): void {
    if (this.model.arrange(Date.now())) this.selection.prune((n) => this.model.isShown(n));
    if (this.reveal !== undefined && this.model.row(this.reveal)) this.revealRow(this.reveal);
    const shown = this.model.shown;
    this.grid.setData(shown, (n) => this.model.row(n), this.selection.selected, this.selection.focus);
    this.notes.showCount(this.phase);
    this.notes.showEmpty(this.phase);
    this.askHistorySoon();
    this.actions.update();
    clearTimeout(this.resortTimer);
    const due = this.model.resortDueAt();
    if (due !== undefined) this.resortTimer = setTimeout(() => this.schedule(), Math.max(0, due - Date.now()) + 5);
  }

  private revealRow(n: number): void {
    this.reveal = undefined;
    if (!this.model.isShown(n) && isTableFiltered(this.model.filter)) {
      // The row asked for is hidden by the filter: the filter goes, so the row can be seen.
      this.filterInput.value = '';
      this.filterLine = '';
      this.model.setFilter(NO_TABLE_FILTER);
      this.model.arrange(Date.now());
      this.saveView();
    }
    const index = this.model.shown.indexOf(n);
    if (index < 0) return;
    this.selection.click(n, this.model.shown);
    // The grid's height first, for the list as it is now: the scroll goes where the row is.
    this.grid.setData(this.model.shown, (m) => this.model.row(m), this.selection.selected, this.selection.focus);
    this.grid.scrollToIndex(index);
    this.grid.element.focus({ preventScroll: true });
  }
}
