/**
 * The userData table: add, edit in place, delete. Values of any JSON type are shown as JSON text;
 * only text values are edited here, since anything else would change type when written back as text.
 * Rows are patched in place, so an edit in progress keeps its text and focus through live updates,
 * and what is typed is saved in the page state, so it also survives the page being reloaded.
 */
import { valueText } from '../model/bounded';
import { h, setAttr, setText } from './dom';
import type { Channel } from './messages';
import type { PageState, PageStore } from './state';
import * as l10n from './strings';
import './userData.css';
import { keyProblem, MAX_KEY_LENGTH, valueProblem } from './userDataRules';

interface Row {
  tr: HTMLTableRowElement;
  /** The value as text; an input takes its place while the row is edited. */
  text: HTMLElement;
  error: HTMLElement;
  edit: HTMLButtonElement;
  remove: HTMLButtonElement;
  save: HTMLButtonElement;
  cancel: HTMLButtonElement;
  /** Present while the row is being edited. */
  input?: HTMLInputElement | undefined;
}

const button = (text: string, label: string, cls = '') =>
  h('button', { type: 'button', class: cls || undefined, text, 'aria-label': label });

export class UserDataTable {
  readonly element: HTMLTableElement;
  private readonly rows = new Map<string, Row>();
  private readonly body = h('tbody', {});
  private readonly keyInput: HTMLInputElement;
  private readonly valueInput: HTMLInputElement;
  private readonly addButton: HTMLButtonElement;
  private readonly addError: HTMLElement;
  private userData: Record<string, unknown> = {};
  /** Edits from the saved state whose rows have not appeared yet: key → the text that was typed. */
  private readonly waiting = new Map<string, string>();

  constructor(
    private readonly channel: Channel,
    private readonly store: PageStore,
  ) {
    this.keyInput = h('input', {
      type: 'text',
      'aria-label': l10n.t('New key'),
      placeholder: l10n.t('key'),
      maxlength: String(MAX_KEY_LENGTH),
      'data-focus-id': 'add-key',
    });
    this.valueInput = h('input', {
      type: 'text',
      'aria-label': l10n.t('New value'),
      placeholder: l10n.t('value'),
      'data-focus-id': 'add-value',
    });
    this.addButton = h('button', { type: 'button', class: 'primary', text: l10n.t('Add') });
    this.addError = h('span', { class: 'row-error', role: 'alert' });
    this.keyInput.addEventListener('input', () => {
      // A message about the key no longer applies once the key changes.
      setText(this.addError, '');
      this.saveAddRow();
    });
    this.valueInput.addEventListener('input', () => {
      if (!this.keyInput.value && !this.valueInput.value) setText(this.addError, '');
      this.saveAddRow();
    });
    this.addButton.addEventListener('click', () => this.add());
    for (const i of [this.keyInput, this.valueInput]) i.addEventListener('keydown', (e) => e.key === 'Enter' && this.add());
    const foot = h(
      'tfoot',
      {},
      h('tr', {}, h('td', {}, this.keyInput), h('td', {}, this.valueInput, this.addError), h('td', { class: 'actions' }, this.addButton)),
    );
    const head = h(
      'thead',
      {},
      h('tr', {}, h('th', { text: l10n.t('Key') }), h('th', { text: l10n.t('Value') }), h('th', { text: l10n.t('Actions') })),
    );
    this.element = h('table', { class: 'user-data', 'data-field': 'userData' }, head, this.body, foot);
  }

  /** Puts back what was typed before the page was reloaded; an edit opens when its row appears. */
  restore(state: PageState): void {
    this.keyInput.value = state.add.key;
    this.valueInput.value = state.add.value;
    for (const [key, text] of state.edits) this.waiting.set(key, text);
  }

  /** `live`: the server's own data, not the last known one; an edit whose key it lacks is dropped. */
  patch(userData: Record<string, unknown>, live: boolean): void {
    this.userData = userData;
    for (const [key, row] of this.rows) {
      if (!Object.hasOwn(userData, key) && !row.input) {
        row.tr.remove();
        this.rows.delete(key);
      }
    }
    for (const key of Object.keys(userData)) {
      const value = userData[key];
      let row = this.rows.get(key);
      if (!row) {
        row = this.makeRow(key);
        this.rows.set(key, row);
        this.body.append(row.tr);
      }
      const editable = typeof value === 'string';
      row.edit.disabled = !editable;
      setAttr(row.edit, 'title', editable ? '' : l10n.t('Only text values can be edited here: this value is JSON of another type.'));
      setText(row.text, valueText(value, 100_000));
      row.text.classList.toggle('not-text', !editable);
      const typed = this.waiting.get(key);
      if (typed !== undefined) {
        this.waiting.delete(key);
        if (editable && !row.input) this.startEdit(key, row, typed, false);
      }
    }
    if (live && this.waiting.size) {
      this.waiting.clear();
      this.saveEdits();
    }
  }

  private add(): void {
    const key = this.keyInput.value;
    const value = this.valueInput.value;
    const problem =
      keyProblem(key) || (Object.hasOwn(this.userData, key) ? l10n.t('This key exists already; edit it instead.') : valueProblem(value));
    setText(this.addError, problem);
    if (problem) return;
    this.addButton.disabled = true;
    this.channel.request({ type: 'setUserData', key, value }, (ok, error) => {
      this.addButton.disabled = false;
      if (!ok) return setText(this.addError, error ?? l10n.t('The change did not land.'));
      this.keyInput.value = '';
      this.valueInput.value = '';
      setText(this.addError, '');
      this.saveAddRow();
      this.keyInput.focus();
    });
  }

  private makeRow(key: string): Row {
    const row: Row = {
      tr: h('tr', { 'data-key': key }),
      text: h('span', { class: 'cell-text' }),
      error: h('div', { class: 'row-error', role: 'alert' }),
      edit: button(l10n.t('Edit'), l10n.t('Edit {0}', key)),
      remove: button(l10n.t('Delete'), l10n.t('Delete {0}', key)),
      save: button(l10n.t('Save'), l10n.t('Save {0}', key), 'primary'),
      cancel: button(l10n.t('Cancel'), l10n.t('Cancel editing {0}', key)),
    };
    row.save.hidden = row.cancel.hidden = true;
    // Errors go under the value, the widest cell.
    row.tr.append(
      h('td', { class: 'key', text: key }),
      h('td', { class: 'value' }, row.text, row.error),
      h('td', { class: 'actions' }, row.edit, row.remove, row.save, row.cancel),
    );
    row.edit.addEventListener('click', () =>
      this.startEdit(key, row, typeof this.userData[key] === 'string' ? (this.userData[key] as string) : '', true),
    );
    row.save.addEventListener('click', () => this.commit(key, row));
    row.cancel.addEventListener('click', () => this.stopEdit(key, row, true));
    row.remove.addEventListener('click', () => {
      row.remove.disabled = true;
      this.channel.request({ type: 'deleteUserData', key }, (ok, error) => {
        row.remove.disabled = false;
        setText(row.error, ok ? '' : (error ?? l10n.t('Not deleted.')));
      });
    });
    return row;
  }

  private startEdit(key: string, row: Row, text: string, focus: boolean): void {
    const input = h('input', { type: 'text', 'aria-label': l10n.t('Value of {0}', key), 'data-focus-id': `edit:${key}` });
    input.value = text;
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.commit(key, row);
      if (e.key === 'Escape') this.stopEdit(key, row, true);
    });
    input.addEventListener('input', () => this.saveEdits());
    row.input = input;
    row.text.replaceWith(input);
    this.showEditing(row, true);
    this.saveEdits();
    if (focus) input.focus();
  }

  private stopEdit(key: string, row: Row, refocus: boolean): void {
    row.input?.replaceWith(row.text);
    row.input = undefined;
    this.showEditing(row, false);
    setText(row.error, '');
    this.saveEdits();
    if (refocus) row.edit.focus();
  }

  private showEditing(row: Row, editing: boolean): void {
    row.edit.hidden = row.remove.hidden = editing;
    row.save.hidden = row.cancel.hidden = !editing;
  }

  private commit(key: string, row: Row): void {
    const input = row.input;
    if (!input) return;
    const problem = valueProblem(input.value);
    if (problem) return setText(row.error, problem);
    row.save.disabled = true;
    this.channel.request({ type: 'setUserData', key, value: input.value }, (ok, error) => {
      row.save.disabled = false;
      setText(row.error, ok ? '' : (error ?? l10n.t('The change did not land.')));
      if (ok && row.input === input) this.stopEdit(key, row, document.activeElement === input);
    });
  }

  private saveAddRow(): void {
    this.store.update({ add: { key: this.keyInput.value, value: this.valueInput.value } });
  }

  private saveEdits(): void {
    const open: [string, string][] = [];
    for (const [key, row] of this.rows) if (row.input) open.push([key, row.input.value]);
    this.store.update({ edits: [...open, ...this.waiting] });
  }
}
