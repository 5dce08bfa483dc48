/**
 * The field lists: one row per field of the Destination structure (label, field name, value, and a
 * compact Copy button where copying is useful), built once and patched in place. Fields a newer
 * server sends that no section knows get rows of their own under Other fields.
 */
import { DESTINATION_FIELDS } from '../api/schemas';
import { valueText } from '../model/bounded';
import { copyIcon, h, setText } from './dom';
import { OWN_PLACE, plain, valueAt, type FieldSpec, type Format } from './fields';
import type { Channel } from './messages';
import type { FieldProblem } from './protocol';
import * as l10n from './strings';

interface Cell {
  value: HTMLElement;
  format: Format;
  copy?: HTMLButtonElement | undefined;
}

export function section(id: string, title: string, ...body: Node[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title`, text: title }), ...body);
}

export class FieldRows {
  /** Value cells by field path. */
  private readonly cells = new Map<string, Cell>();
  /** Fields shown anywhere on the page; any other field of a record goes under Other fields. */
  private readonly placed = new Set<string>(OWN_PLACE);
  readonly other = h('dl', {});
  readonly otherSection: HTMLElement;

  constructor(private readonly channel: Channel) {
    this.otherSection = section('other', l10n.t('Other fields'), this.other);
  }

  /** A list of fields; call for every section before `finish`. */
  list(specs: FieldSpec[]): HTMLElement {
    const dl = h('dl', {});
    for (const spec of specs) {
      this.placed.add(spec.path.split('.')[0]!);
      dl.append(this.row(spec));
    }
    return dl;
  }

  /** Fields of the reference page that no section shows. */
  finish(): void {
    for (const f of DESTINATION_FIELDS) if (!this.placed.has(f)) this.addOther(f);
    this.otherSection.hidden = !this.other.childElementCount;
  }

  patch(record: Record<string, unknown>, problems: FieldProblem[], canCopy: boolean): void {
    for (const key of Object.keys(record)) if (!this.placed.has(key)) this.addOther(key);
    this.otherSection.hidden = !this.other.childElementCount;
    const unexpected = new Map(problems.map((p) => [p.field, p.message]));
    for (const [path, cell] of this.cells) {
      const value = valueAt(record, path);
      const wrong = unexpected.get(path) ?? (path.includes('.') ? unexpected.get(path.split('.')[0]!) : undefined);
      setText(cell.value, wrong ? l10n.t('{0} (unexpected: {1})', plain(value), wrong) : cell.format(value));
      cell.value.classList.toggle('absent', value === undefined);
      cell.value.classList.toggle('unexpected', !!wrong);
      if (cell.copy) {
        cell.copy.dataset.value = value == null ? '' : valueText(value, 100_000);
        cell.copy.disabled = !canCopy || value == null;
      }
    }
  }

  private addOther(field: string): void {
    this.placed.add(field);
    this.other.append(this.row({ path: field, label: field }));
  }

  private row(spec: FieldSpec): HTMLElement {
    const label = spec.label;
    const value = h('span', { class: 'value', 'data-field': spec.path });
    let copy: HTMLButtonElement | undefined;
    if (spec.copy) {
      const name = l10n.t('Copy {0}', label);
      copy = h('button', { type: 'button', class: 'icon copy', title: name, 'aria-label': name, disabled: true }, copyIcon());
      const button = copy;
      copy.addEventListener('click', () => this.channel.post({ type: 'copy', text: button.dataset.value ?? '' }));
    }
    this.cells.set(spec.path, { value, format: spec.format ?? plain, copy });
    // The label is the name a reader knows; the field name is what the API and Copy as JSON call it.
    const dt = h('dt', {}, h('span', { class: 'label', text: label }), ' ', h('code', { text: spec.path }));
    return h('div', { class: 'field' }, dt, h('dd', {}, value, copy));
  }
}
