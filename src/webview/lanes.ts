/**
 * priorityLanes: a map of lane → share of the bandwidth is drawn as a bar for the eye and listed as
 * text for everyone (the list is what screen readers get); each lane has a colour from the theme and
 * a pattern of its own, so colour is never the only way to tell lanes apart. Any other shape is shown
 * as its JSON.
 */
import { lanesOf } from '../api/schemas';
import { valueText } from '../model/bounded';
import { h } from './dom';
import { CELL_TEXT_MAX } from './fields';
import * as l10n from './strings';
import './lanes.css';

/** Lane styles (colour and pattern) before they repeat. */
const STYLES = 6;

const percent = (share: number) => Math.round(share * 1000) / 10;

export class Lanes {
  readonly element: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly list: HTMLUListElement;
  /** What is drawn now, so an unchanged value is not drawn again every second. */
  private signature = '';

  constructor() {
    this.bar = h('div', { class: 'lane-bar', 'aria-hidden': 'true' });
    this.list = h('ul', { class: 'lane-list', 'aria-label': l10n.t('Priority lanes') });
    this.element = h('div', { 'data-field': 'priorityLanes' }, this.bar, this.list);
  }

  patch(value: unknown): void {
    const lanes = value === null || value === undefined ? undefined : lanesOf(value);
    const signature = JSON.stringify(value === undefined ? 'absent' : (lanes ?? valueText(value, CELL_TEXT_MAX)));
    if (signature === this.signature) return;
    this.signature = signature;
    this.bar.textContent = '';
    this.list.textContent = '';
    this.bar.hidden = !lanes || !Object.keys(lanes).length;
    if (value !== undefined && value !== null && !lanes) {
      this.list.append(
        h('li', { class: 'unexpected', text: l10n.t('{0} (a shape this extension does not draw)', valueText(value, CELL_TEXT_MAX)) }),
      );
      return;
    }
    const entries = Object.entries(lanes ?? {});
    if (!entries.length) {
      this.list.append(h('li', { text: value === undefined ? l10n.t('absent (not sent by this server)') : l10n.t('no lanes') }));
      return;
    }
    let used = 0;
    entries.forEach(([name, share], i) => {
      used += share;
      this.add(`lane-${i % STYLES}`, l10n.t('{0}: {1} %', name, percent(share)), share);
    });
    if (used < 0.999) this.add('lane-free', l10n.t('unassigned: {0} %', percent(1 - used)), 1 - used);
  }

  private add(style: string, text: string, share: number): void {
    const part = h('div', { class: `lane ${style}`, title: text });
    part.style.width = `${share * 100}%`;
    this.bar.append(part);
    this.list.append(h('li', {}, h('span', { class: `swatch ${style}`, 'aria-hidden': 'true' }), text));
  }
}
