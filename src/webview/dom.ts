/**
 * Building and patching the DOM. Text goes in through textContent only, never as HTML, so whatever
 * a server sends stays text.
 */

export type Child = Node | string | null | undefined | false;

/** Attributes by name; `text` sets textContent; `true` sets an empty attribute; false or undefined leaves it out. */
export type Props = Record<string, string | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** Writes only when the text changed, so a live update does not disturb a selection or a screen reader. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

const SVG = 'http://www.w3.org/2000/svg';

/** A sheet in front of another, in the text colour: the usual "copy" glyph, hidden from screen readers. */
export function copyIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const front = document.createElementNS(SVG, 'rect');
  for (const [k, v] of Object.entries({ x: '5.5', y: '5.5', width: '8', height: '8', rx: '1.5' })) front.setAttribute(k, v);
  const back = document.createElementNS(SVG, 'path');
  back.setAttribute('d', 'M3 10.5V4a1.5 1.5 0 0 1 1.5-1.5H11');
  svg.append(back, front);
  return svg;
}

/** Calls `fn` once things have been quiet for `ms`. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/** `fn` the first time it is called, nothing after. */
export function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
