/**
 * The send-rate and round-trip plots (uPlot). Colours and fonts come from the theme's CSS variables and
 * are read again when the theme changes; a plot is then rebuilt, since uPlot keeps colours it was given.
 * Each plot is an image to screen readers, named with its latest values; the legend beside it is text
 * that shows the latest values, or the ones under the pointer.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { formatRate } from '../model/format';
import { h, setAttr, setText } from './dom';
import { clockTime } from './fields';
import type { History } from './protocol';
import * as l10n from './strings';

interface SeriesSpec {
  label: string;
  colour: string;
  fallback: string;
  width: number;
  dash?: number[];
  values(history: History): (number | null)[];
}

interface ChartSpec {
  id: string;
  title: string;
  height: number;
  /** Room above the highest point, as a factor. */
  headroom: number;
  format(v: number): string;
  series: SeriesSpec[];
}

const ms = (v: number) => l10n.t('{0} ms', Math.round(v * 10) / 10);

const SPECS: ChartSpec[] = [
  {
    id: 'rate-chart',
    title: l10n.t('Send rate'),
    height: 180,
    headroom: 1.1,
    format: formatRate,
    series: [
      { label: l10n.t('average'), colour: '--vscode-charts-blue', fallback: '#3794ff', width: 2, values: (h) => h.sendRateAverage },
      {
        label: l10n.t('maximum'),
        colour: '--vscode-charts-red',
        fallback: '#f14c4c',
        width: 1.5,
        dash: [6, 4],
        values: (h) => h.sendRateMax,
      },
    ],
  },
  {
    id: 'rtt-chart',
    title: l10n.t('Round-trip time'),
    height: 160,
    headroom: 1.2,
    format: ms,
    series: [
      { label: l10n.t('round trip'), colour: '--vscode-charts-green', fallback: '#89d185', width: 2, values: (h) => h.roundTripTimeMs },
    ],
  },
];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

class Chart {
  readonly element: HTMLElement;
  private readonly box: HTMLElement;
  private readonly time: HTMLElement;
  private readonly keys: HTMLElement[] = [];
  private readonly values: HTMLElement[] = [];
  private plot: uPlot | undefined;
  private data: uPlot.AlignedData;
  private width = 0;

  constructor(private readonly spec: ChartSpec) {
    this.data = [[], ...spec.series.map(() => [])];
    this.box = h('div', { class: 'plot', id: spec.id, role: 'img' });
    this.time = h('span', { class: 'legend-time' });
    const items = spec.series.map((s) => {
      const key = h('span', { class: `legend-key${s.dash ? ' dashed' : ''}`, 'aria-hidden': 'true' });
      const value = h('span', { class: 'legend-value' });
      this.keys.push(key);
      this.values.push(value);
      return h('span', { class: 'legend-item' }, key, `${s.label} `, value);
    });
    const legend = h('p', { class: 'legend', id: `${spec.id}-legend` }, ...items, this.time);
    this.element = h('div', { class: 'chart' }, h('h3', { text: spec.title }), legend, this.box);
    this.describe();
  }

  setData(history: History): void {
    this.data = [history.t.map((v) => v / 1000), ...this.spec.series.map((s) => s.values(history))] as uPlot.AlignedData;
    this.plot?.setData(this.data);
    // A reader pointing at a sample keeps seeing it while new data comes in.
    this.showValues(this.plot?.cursor.idx ?? null);
    this.describe();
  }

  /** Draws at this width; a plot that could not be drawn yet (hidden, width 0) is made now. */
  resize(width: number): void {
    this.width = width;
    if (width <= 0) return;
    if (this.plot) this.plot.setSize({ width, height: this.spec.height });
    else this.create();
  }

  /** The theme changed: every colour and font is read again. */
  retheme(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (this.width > 0) this.create();
  }

  private create(): void {
    const s = this.spec;
    const fg = cssVar('--vscode-charts-foreground', cssVar('--vscode-foreground', '#cccccc'));
    const grid = cssVar('--vscode-charts-lines', cssVar('--vscode-editorWidget-border', '#454545'));
    const style = getComputedStyle(document.body);
    const font = `${style.fontSize} ${style.fontFamily}`;
    const colours = s.series.map((x) => cssVar(x.colour, x.fallback));
    colours.forEach((c, i) => (this.keys[i]!.style.borderColor = c));
    const axis = { stroke: fg, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    this.plot = new uPlot(
      {
        width: this.width,
        height: s.height,
        legend: { show: false },
        series: [
          {},
          ...s.series.map((x, i) => ({ label: x.label, stroke: colours[i], width: x.width, dash: x.dash, points: { show: false } })),
        ],
        axes: [
          { ...axis, space: 90, values: (_u: uPlot, ticks: number[]) => ticks.map((v) => clockTime(v * 1000)) },
          { ...axis, size: 90, values: (_u: uPlot, ticks: number[]) => ticks.map((v) => s.format(v)) },
        ],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max) * s.headroom] } },
        hooks: { setCursor: [(u) => this.showValues(u.cursor.idx ?? null)] },
      },
      this.data,
      this.box,
    );
  }

  /** The values at a point under the pointer, or the latest ones. */
  private showValues(idx: number | null): void {
    const times = this.data[0];
    const at = idx ?? times.length - 1;
    setText(this.time, at >= 0 ? l10n.t('at {0}', clockTime(times[at]! * 1000)) : l10n.t('no data yet'));
    this.values.forEach((el, i) => {
      const v = (this.data[i + 1] as (number | null | undefined)[])[at];
      setText(el, v === null || v === undefined ? l10n.t('no value') : this.spec.format(v));
    });
  }

  /** The image's text alternative: what it shows, with the latest values. */
  private describe(): void {
    const times = this.data[0];
    const last = times.length - 1;
    const title = this.spec.title;
    if (last < 0) return setAttr(this.box, 'aria-label', l10n.t('{0} plot: no data yet', title));
    const parts = this.spec.series.map((s, i) => {
      const v = (this.data[i + 1] as (number | null | undefined)[])[last];
      return l10n.t('{0} {1}', s.label, v === null || v === undefined ? l10n.t('no value') : this.spec.format(v));
    });
    setAttr(
      this.box,
      'aria-label',
      l10n.t(
        '{0} plot over the last {1} samples; latest at {2}: {3}',
        title,
        times.length,
        clockTime(times[last]! * 1000),
        parts.join(', '),
      ),
    );
  }
}

export class Charts {
  readonly element: HTMLElement;
  private readonly charts = SPECS.map((s) => new Chart(s));

  constructor() {
    this.element = h('div', { class: 'charts' }, ...this.charts.map((c) => c.element));
    new ResizeObserver(() => {
      const width = Math.min(900, this.element.clientWidth);
      for (const c of this.charts) c.resize(width);
    }).observe(this.element);
  }

  update(history: History): void {
    for (const c of this.charts) c.setData(history);
  }

  retheme(): void {
    for (const c of this.charts) c.retheme();
  }
}

/** VS Code marks the theme on body: its kind in the class, the theme itself in data attributes. */
export function onThemeChange(listener: () => void): void {
  new MutationObserver(listener).observe(document.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-id', 'data-vscode-theme-kind'],
  });
}
