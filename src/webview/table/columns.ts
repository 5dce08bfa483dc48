/**
 * The table's columns: each one's title, width and how it fills a cell. Cells are made once per row
 * element and patched as rows scroll by; text goes in through textContent only.
 */
import { formatCount, formatRate, formatRatePair } from '../../model/format';
import { statusWord } from '../../model/rowText';
import type { DestinationStatus } from '../../model/status';
import { isBaseColumn, userDataKeyOf, type BaseColumn, type ColumnId, type TableRow } from '../../model/table';
import { h, setAttr, setText } from '../dom';
import * as l10n from '../strings';
import { makeSparkline, paintSparkline, rateHistory } from './sparkline';

export interface ColumnDef {
  id: ColumnId;
  title: string;
  /** Width in px; the last column also takes what room is left. */
  width: number;
  numeric: boolean;
  make(): HTMLElement;
  paint(cell: HTMLElement, r: TableRow): void;
}

const TITLES: Record<BaseColumn, () => string> = {
  server: () => l10n.t('Server'),
  address: () => l10n.t('Address:port'),
  status: () => l10n.t('Status'),
  rate: () => l10n.t('Send rate / max'),
  rtt: () => l10n.t('Round trip'),
  queue: () => l10n.t('Queued'),
  owner: () => l10n.t('Owner'),
  error: () => l10n.t('Last error'),
};

const WIDTHS: Record<BaseColumn, number> = {
  server: 110,
  address: 230,
  status: 150,
  rate: 260,
  rtt: 110,
  queue: 80,
  owner: 110,
  error: 240,
};

export function columnTitle(id: ColumnId): string {
  return isBaseColumn(id) ? TITLES[id]() : l10n.t('userData {0}', userDataKeyOf(id) ?? '');
}

const textCell = () => h('div', { class: 'cell', role: 'gridcell' });

/** A cell of plain text; `long` ones also say their whole text on hover, as they may be cut. */
function text(value: (r: TableRow) => string, long = false): Pick<ColumnDef, 'make' | 'paint'> {
  return {
    make: textCell,
    paint(cell, r) {
      const v = value(r);
      setText(cell, v);
      if (long) setAttr(cell, 'title', v);
    },
  };
}

const SVG = 'http://www.w3.org/2000/svg';

/** Each status has its own shape as well as its colour, so colour is never the only signal. */
const SHAPES: Record<DestinationStatus, [string, Record<string, string>][]> = {
  connected: [['circle', { cx: '8', cy: '8', r: '5.5', class: 'fill' }]],
  negotiating: [
    ['circle', { cx: '8', cy: '8', r: '5', class: 'ring' }],
    ['path', { d: 'M8 3a5 5 0 0 1 0 10z', class: 'fill' }],
  ],
  disconnected: [['circle', { cx: '8', cy: '8', r: '5', class: 'ring' }]],
  error: [
    ['circle', { cx: '8', cy: '8', r: '6', class: 'fill' }],
    ['path', { d: 'M5.5 5.5l5 5M10.5 5.5l-5 5', class: 'cut' }],
  ],
  stale: [
    ['circle', { cx: '8', cy: '8', r: '5', class: 'ring' }],
    ['path', { d: 'M8 5v3.2l2 1.3', class: 'ring' }],
  ],
  invalid: [
    ['path', { d: 'M8 2l6.5 11.5h-13z', class: 'fill' }],
    ['path', { d: 'M8 6.5v3.2M8 11.2v.6', class: 'cut' }],
  ],
};

const icons = new Map<DestinationStatus, SVGSVGElement>();

function statusIcon(status: DestinationStatus): SVGSVGElement {
  let icon = icons.get(status);
  if (!icon) {
    icon = document.createElementNS(SVG, 'svg');
    icon.setAttribute('viewBox', '0 0 16 16');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    icon.setAttribute('class', 'icon');
    for (const [tag, attrs] of SHAPES[status]) {
      const el = document.createElementNS(SVG, tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      icon.append(el);
    }
    icons.set(status, icon);
  }
  return icon.cloneNode(true) as SVGSVGElement;
}

const status: Pick<ColumnDef, 'make' | 'paint'> = {
  make: () => h('div', { class: 'cell status', role: 'gridcell' }, h('span', { class: 'word' })),
  paint(cell, r) {
    if (cell.dataset.status === r.status) return;
    cell.dataset.status = r.status;
    const old = cell.querySelector('svg');
    if (old) old.replaceWith(statusIcon(r.status));
    else cell.prepend(statusIcon(r.status));
    setText(cell.lastElementChild!, statusWord(r.status, l10n));
  },
};

const rate: Pick<ColumnDef, 'make' | 'paint'> = {
  // The sparkline and the bar last, at the cell's edge: they line up down the column whatever the numbers' width.
  make: () =>
    h(
      'div',
      { class: 'cell rate', role: 'gridcell' },
      h('span'),
      makeSparkline(),
      h('span', { class: 'bar' }, h('span', { class: 'level' })),
    ),
  paint(cell, r) {
    paintSparkline(cell.children[1] as SVGSVGElement, rateHistory.get(r.n), rateHistory.spanMs);
    const level = cell.lastElementChild!.firstElementChild as HTMLElement;
    const share = r.rateMax > 0 ? Math.max(0, Math.min(1, r.rate / r.rateMax)) : 0;
    const width = `${Math.round(share * 100)}%`;
    if (level.style.width !== width) level.style.width = width;
    setText(cell.firstElementChild!, r.rateMax > 0 ? formatRatePair(r.rate, r.rateMax) : formatRate(r.rate));
  },
};

const BASE: Record<BaseColumn, Pick<ColumnDef, 'make' | 'paint'>> = {
  server: text((r) => r.server),
  address: text((r) => r.address, true),
  status,
  rate,
  rtt: text((r) => (r.rtt === null ? '—' : l10n.t('{0} ms', formatCount(Math.round(r.rtt))))),
  queue: text((r) => formatCount(r.queue)),
  owner: text((r) => r.owner),
  error: text((r) => r.error || (r.problem ? l10n.t('unexpected data: {0}', r.problem) : ''), true),
};

const NUMERIC: ReadonlySet<ColumnId> = new Set(['rate', 'rtt', 'queue']);

export function columnDef(id: ColumnId): ColumnDef {
  const key = userDataKeyOf(id);
  const body = isBaseColumn(id) ? BASE[id] : text((r) => r.userData.find(([k]) => k === key)?.[1] ?? '', true);
  return { id, title: columnTitle(id), width: isBaseColumn(id) ? WIDTHS[id] : 150, numeric: NUMERIC.has(id), ...body };
}
