/**
 * The rate column's sparkline: a row's send rate over the last minutes, from the extension's answer to
 * the page's request for the rows in view. Inline SVG built with DOM calls (no markup from data), in the
 * theme's chart colour, with its figures in words for screen readers. Histories of rows scrolled away
 * are kept a while, so scrolling back shows them at once.
 */
import { formatRate } from '../../model/format';
import * as l10n from '../strings';
import type { RateSeries } from '../tableProtocol';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 60;
const HEIGHT = 16;
/** Rows whose histories are kept: a few pages' worth. */
const KEPT = 500;

export class RateHistory {
  private readonly series = new Map<number, (number | null)[]>();
  spanMs = 5 * 60_000;

  set(spanMs: number, series: readonly RateSeries[]): void {
    this.spanMs = spanMs;
    for (const s of series) {
      // Deleted first, so the map's order is the order of the answers: the oldest go first.
      this.series.delete(s.n);
      this.series.set(s.n, s.rates);
    }
    for (const n of this.series.keys()) {
      if (this.series.size <= KEPT) break;
      this.series.delete(n);
    }
  }

  get(n: number): (number | null)[] | undefined {
    return this.series.get(n);
  }

  delete(rows: readonly number[]): void {
    for (const n of rows) this.series.delete(n);
  }

  clear(): void {
    this.series.clear();
  }
}

/** The page's one history (the page is one table). */
export const rateHistory = new RateHistory();

export function makeSparkline(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('height', String(HEIGHT));
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('aria-hidden', 'true');
  const area = document.createElementNS(SVG, 'path');
  area.setAttribute('class', 'area');
  const line = document.createElementNS(SVG, 'path');
  line.setAttribute('class', 'line');
  svg.append(area, line);
  return svg;
}

const drawn = new WeakMap<SVGSVGElement, readonly (number | null)[] | undefined>();

/** Draws `rates` (oldest first) from zero to their highest; nothing, and no label, without any. */
export function paintSparkline(svg: SVGSVGElement, rates: readonly (number | null)[] | undefined, spanMs: number): void {
  if (drawn.has(svg) && drawn.get(svg) === rates) return;
  drawn.set(svg, rates);
  const [area, line] = [svg.firstElementChild!, svg.lastElementChild!];
  const values = (rates ?? []).filter((v): v is number => v !== null);
  if (!rates || !values.length) {
    svg.classList.add('empty');
    svg.removeAttribute('role');
    svg.removeAttribute('aria-label');
    svg.setAttribute('aria-hidden', 'true');
    line.setAttribute('d', '');
    area.setAttribute('d', '');
    return;
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const step = rates.length > 1 ? WIDTH / (rates.length - 1) : 0;
  // 1 px of room top and bottom, so the line's stroke is not cut.
  const y = (v: number) => (HEIGHT - 1 - (max > 0 ? (v / max) * (HEIGHT - 2) : 0)).toFixed(1);
  let lineD = '';
  let areaD = '';
  // A gap in the history (no sample in that slice) is a gap in the line.
  let run: [string, string][] = [];
  const end = () => {
    if (!run.length) return;
    const [x0] = run[0]!;
    const [x1] = run[run.length - 1]!;
    lineD += `M${run.map(([x, v]) => `${x} ${v}`).join('L')}${run.length === 1 ? 'h1' : ''}`;
    areaD += `M${x0} ${HEIGHT}L${run.map(([x, v]) => `${x} ${v}`).join('L')}L${x1} ${HEIGHT}Z`;
    run = [];
  };
  rates.forEach((v, i) => {
    if (v === null) end();
    else run.push([(i * step).toFixed(1), y(v)]);
  });
  end();
  line.setAttribute('d', lineD);
  area.setAttribute('d', areaD);
  svg.classList.remove('empty');
  svg.removeAttribute('aria-hidden');
  svg.setAttribute('role', 'img');
  svg.setAttribute(
    'aria-label',
    l10n.t('Send rate over the last {0} minutes: min {1}, max {2}', Math.round(spanMs / 60_000), formatRate(min), formatRate(max)),
  );
}
