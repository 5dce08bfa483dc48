/**
 * Which columns the table shows: a panel under the toolbar with a checkbox per column (the base ones,
 * then the userData keys the rows have, the most common first) and a box to add any key as a column.
 * Escape or the button closes it and gives the keyboard back to the button.
 */
import { BASE_COLUMNS, MAX_USER_DATA_COLUMNS, toggleColumn, userDataColumn, userDataKeyOf, type ColumnId } from '../../model/table';
import { h } from '../dom';
import * as l10n from '../strings';
import { columnTitle } from './columns';

/** userData keys offered as checkboxes at most; any other can be typed. */
const OFFERED_KEYS = 30;

export class ColumnChooser {
  readonly button = h('button', {
    type: 'button',
    id: 'columns-button',
    'aria-expanded': 'false',
    'aria-controls': 'columns',
    text: l10n.t('Columns…'),
  });
  readonly element = h('div', { id: 'columns', class: 'chooser', role: 'group', 'aria-label': l10n.t('Columns'), hidden: true });
  private columns: ColumnId[] = [];

  constructor(
    private readonly keys: () => { key: string; count: number }[],
    private readonly changed: (columns: ColumnId[]) => void,
  ) {
    this.button.addEventListener('click', () => (this.element.hidden ? this.open() : this.close()));
    this.element.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      this.close();
    });
  }

  set(columns: ColumnId[]): void {
    this.columns = columns;
    if (!this.element.hidden) this.fill();
  }

  open(): void {
    this.element.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.fill();
    this.element.querySelector('input')?.focus();
  }

  close(): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    this.button.focus();
  }

  private fill(): void {
    const active =
      document.activeElement instanceof HTMLInputElement && this.element.contains(document.activeElement)
        ? document.activeElement
        : undefined;
    const focused = active?.dataset.column ?? active?.id;
    const box = (id: ColumnId, label: string, count?: number) => {
      const input = h('input', { type: 'checkbox', 'data-column': id, checked: this.columns.includes(id) });
      input.disabled = input.checked && this.columns.length === 1;
      input.addEventListener('change', () => this.changed(toggleColumn(this.columns, id)));
      return h(
        'label',
        { class: 'choice' },
        input,
        h('span', { text: label }),
        count === undefined ? null : h('span', { class: 'count', text: String(count) }),
      );
    };
    const seen = this.keys().slice(0, OFFERED_KEYS);
    const chosen = this.columns.map(userDataKeyOf).filter((k): k is string => k !== undefined);
    const keys = [...chosen.filter((k) => !seen.some((s) => s.key === k)).map((key) => ({ key, count: undefined })), ...seen];
    const add = h('input', {
      type: 'text',
      id: 'add-column',
      'aria-label': l10n.t('userData key to add as a column'),
      placeholder: l10n.t('userData key'),
    });
    const addButton = h('button', { type: 'button', text: l10n.t('Add Column') });
    const full = chosen.length >= MAX_USER_DATA_COLUMNS;
    add.disabled = addButton.disabled = full;
    const addKey = () => {
      const key = add.value.trim();
      if (!key || key === '__proto__' || key.length > 256) return;
      const id = userDataColumn(key);
      if (!this.columns.includes(id)) this.changed(toggleColumn(this.columns, id));
      add.value = '';
    };
    addButton.addEventListener('click', addKey);
    add.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') addKey();
    });
    this.element.replaceChildren(
      h('fieldset', {}, h('legend', { text: l10n.t('Columns') }), ...BASE_COLUMNS.map((id) => box(id, columnTitle(id)))),
      h(
        'fieldset',
        {},
        h('legend', { text: l10n.t('userData keys') }),
        ...(keys.length
          ? keys.map((k) => box(userDataColumn(k.key), k.key, k.count))
          : [h('p', { class: 'hint', text: l10n.t('No destination has userData yet.') })]),
        h('div', { class: 'add' }, add, addButton),
      ),
    );
    // The control that had the keyboard keeps it, though every control was made again.
    if (focused === 'add-column') add.focus();
    else if (focused) this.element.querySelector<HTMLInputElement>(`input[data-column="${CSS.escape(focused)}"]`)?.focus();
  }
}
