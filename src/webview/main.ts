/**
 * The details page of one destination. It builds its DOM once, then patches text in place on every
 * snapshot, so scroll position, focus and an edit in progress survive live updates. Every server
 * string goes in through textContent or an input's value, never as HTML.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DESTINATION_FIELDS, lanesOf, MAX_USER_DATA_VALUE, OVERWRITE_MODE_NAMES, TRANSFER_DEFAULTS_FIELDS } from '../api/schemas';
import { valueText } from '../model/bounded';
import { formatBytes, formatRate, formatTimestamp } from '../model/format';
import { STATUS_LABELS } from '../model/status';
import { FromWebview, PanelState, type History, type SnapshotMessage, type ToWebview } from './protocol';
import './style.css';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const send = (m: FromWebview) => vscode.postMessage(FromWebview.parse(m));

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

type Format = (value: unknown) => string;

const ABSENT = 'absent (not sent by this server)';
const plain: Format = (v) => (v === undefined ? ABSENT : v === null ? 'none' : valueText(v, 10_000));
const rate: Format = (v) => (typeof v === 'number' ? `${formatRate(v)} (${v.toLocaleString('en-US')} kbit/s)` : plain(v));
const bytes: Format = (v) => (typeof v === 'number' ? `${formatBytes(v)} (${v.toLocaleString('en-US')} bytes)` : plain(v));
const time: Format = (v) => (typeof v === 'number' ? formatTimestamp(v) : v === null ? 'never' : ABSENT);
const yesNo: Format = (v) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : plain(v));
const ms: Format = (v) => (typeof v === 'number' ? `${v} ms` : plain(v));

interface FieldSpec {
  field: string;
  label: string;
  format?: Format;
  copy?: boolean;
}

const SECTIONS: { title: string; id: string; fields: FieldSpec[] }[] = [
  {
    title: 'Status',
    id: 'status',
    fields: [
      { field: 'lastError', label: 'Last error' },
      { field: 'lastErrorMessage', label: 'Last error message' },
      { field: 'snapshotTime', label: 'Snapshot time', format: time },
      { field: 'lastDestinationServerId', label: 'Last destination server instance' },
      { field: 'lastDestinationServerUid', label: 'Last destination server (persistent id)' },
    ],
  },
  {
    title: 'Endpoint',
    id: 'endpoint',
    fields: [
      { field: 'destinationAddress', label: 'Address', copy: true },
      { field: 'destinationIP', label: 'IP' },
      { field: 'destinationPort', label: 'UDP port' },
      { field: 'senderIP', label: 'Sender IP' },
      { field: 'senderPort', label: 'Sender port' },
      { field: 'relayIP', label: 'Relay IP' },
      { field: 'relayPort', label: 'Relay port' },
      { field: 'connectionId', label: 'Connection ID', copy: true },
    ],
  },
  {
    title: 'Security',
    id: 'security',
    fields: [
      { field: 'encryptionEnabled', label: 'Encryption enabled', format: yesNo },
      { field: 'encryptedConnectionState', label: 'Connection state' },
      { field: 'destinationPublicKey', label: 'Destination public key', copy: true },
      { field: 'permittedDestinationPublicKey', label: 'Permitted destination public key', copy: true },
    ],
  },
  {
    title: 'Performance',
    id: 'performance',
    fields: [
      { field: 'sendRateAverage', label: 'Send rate (average)', format: rate },
      { field: 'sendRateMax', label: 'Send rate (maximum)', format: rate },
      { field: 'roundTripTimeMs', label: 'Round-trip time', format: ms },
      { field: 'lastSendTime', label: 'Last send', format: time },
      { field: 'lastRecvTime', label: 'Last receive', format: time },
    ],
  },
  { title: 'Queue', id: 'queue', fields: [{ field: 'numTransfersQueued', label: 'Transfers queued' }] },
  {
    title: 'Ownership',
    id: 'ownership',
    fields: [
      { field: 'destinationId', label: 'Destination ID', copy: true },
      { field: 'owner', label: 'Owner' },
      { field: 'ownerToken', label: 'Owner token' },
      { field: 'ownerTokenSession', label: 'Owner token session' },
    ],
  },
  {
    title: 'Socket buffers',
    id: 'buffers',
    fields: [
      { field: 'socketSendBufferSize', label: 'Send buffer', format: bytes },
      { field: 'socketRecvBufferSize', label: 'Receive buffer', format: bytes },
    ],
  },
];

const TRANSFER_DEFAULT_SPECS: Record<string, FieldSpec> = {
  checkpointFrequencySeconds: {
    field: 'checkpointFrequencySeconds',
    label: 'Checkpoint frequency',
    format: (v) => (typeof v === 'number' ? `${v} s` : plain(v)),
  },
  overwriteMode: {
    field: 'overwriteMode',
    label: 'Overwrite mode',
    format: (v) => (typeof v === 'number' ? `${v}: ${OVERWRITE_MODE_NAMES[v] ?? 'unknown mode'}` : plain(v)),
  },
  priority: { field: 'priority', label: 'Priority (lower goes first)' },
  priorityLane: { field: 'priorityLane', label: 'Priority lane' },
  sendRateMax: { field: 'sendRateMax', label: 'Send rate maximum', format: rate },
  transferFlags: {
    field: 'transferFlags',
    label: 'Transfer flags',
    format: (v) => (v === 0 ? '0 (none)' : typeof v === 'number' ? `${v} (bits ${bitsOf(v)})` : plain(v)),
  },
};

function bitsOf(n: number): string {
  const bits: number[] = [];
  for (let i = 0; i < 32; i++) if (n & (1 << i)) bits.push(i);
  return bits.join(', ');
}

/** Text cells keyed by field path ("sendRateMax", "transferDefaults.priority"), patched in place. */
const cells = new Map<string, { el: HTMLElement; format: Format; copy?: HTMLButtonElement }>();
let current: SnapshotMessage | undefined;

function fieldRow(spec: FieldSpec, path = spec.field): HTMLElement {
  const value = h('dd', { 'data-field': path });
  const copy = spec.copy
    ? h('button', { class: 'copy', type: 'button', title: `Copy ${spec.label}`, 'aria-label': `Copy ${spec.label}`, text: 'Copy' })
    : undefined;
  copy?.addEventListener('click', () => send({ type: 'copy', text: copy.dataset.value ?? '' }));
  cells.set(path, { el: value, format: spec.format ?? plain, copy });
  return h('div', { class: 'field' }, h('dt', {}, spec.label, ' ', h('code', { text: path })), value, copy);
}

function section(title: string, id: string, ...body: Node[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title`, text: title }), ...body);
}

let app: HTMLElement;
let banner: HTMLElement;
let heading: HTMLElement;
let statusBadge: HTMLElement;
let laneBar: HTMLElement;
let laneList: HTMLElement;
let rawJson: HTMLElement;
let problemList: HTMLElement;
let otherFields: HTMLElement;
let rateChart: uPlot | undefined;
let rttChart: uPlot | undefined;

function build(): void {
  app = document.getElementById('app')!;
  app.textContent = '';
  heading = h('h1', { id: 'title' });
  statusBadge = h('span', { class: 'badge', id: 'status-badge', role: 'status' });
  banner = h('div', { class: 'banner', id: 'banner', role: 'alert', hidden: '' });
  const refresh = h('button', { type: 'button', text: 'Refresh' });
  refresh.addEventListener('click', () => send({ type: 'refresh' }));
  problemList = h('ul', { class: 'problems', id: 'problems', role: 'status', hidden: '' });
  app.append(h('header', {}, heading, statusBadge, refresh), banner, problemList);

  const placed = new Set<string>(['transferDefaults', 'priorityLanes', 'userData']);
  for (const s of SECTIONS) {
    const dl = h('dl', {});
    for (const f of s.fields) {
      placed.add(f.field);
      dl.append(fieldRow(f));
    }
    const extra: Node[] = [];
    if (s.id === 'performance') extra.push(charts());
    app.append(section(s.title, s.id, dl, ...extra));
  }
  const defaults = h('dl', {});
  for (const f of TRANSFER_DEFAULTS_FIELDS)
    defaults.append(fieldRow(TRANSFER_DEFAULT_SPECS[f] ?? { field: f, label: f }, `transferDefaults.${f}`));
  app.append(section('Transfer defaults', 'transfer-defaults', defaults));

  laneBar = h('div', { class: 'lane-bar', role: 'img', 'aria-label': 'Priority lanes' });
  laneList = h('ul', { class: 'lane-list' });
  app.append(section('Priority lanes', 'priority-lanes', h('div', { 'data-field': 'priorityLanes' }, laneBar, laneList)));

  app.append(section('userData', 'user-data', userDataTable()));

  // Fields of the reference page missing from the sections above, and fields a newer server added.
  otherFields = h('dl', {});
  for (const f of DESTINATION_FIELDS) if (!placed.has(f)) otherFields.append(fieldRow({ field: f, label: f }));
  const other = section('Other fields', 'other', otherFields);
  other.hidden = !otherFields.childElementCount;
  app.append(other);

  rawJson = h('pre', { class: 'raw', tabindex: '0' });
  const copyJson = h('button', { type: 'button', class: 'copy', text: 'Copy JSON' });
  copyJson.addEventListener('click', () => current && send({ type: 'copy', text: JSON.stringify(current.destination, null, 2) }));
  app.append(
    section('Raw JSON', 'raw', h('details', {}, h('summary', { text: 'The destination as the server sent it' }), copyJson, rawJson)),
  );
  placedFields = placed;
}

let placedFields = new Set<string>();

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function charts(): HTMLElement {
  const rateBox = h('div', {
    class: 'chart',
    id: 'rate-chart',
    role: 'img',
    'aria-label': 'Send rate average against maximum over the last minutes',
  });
  const rttBox = h('div', { class: 'chart', id: 'rtt-chart', role: 'img', 'aria-label': 'Round-trip time over the last minutes' });
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', '#444');
  const axis = (fmt: (v: number) => string): uPlot.Axis => ({
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid },
    values: (_u, vals) => vals.map(fmt),
    size: 80,
  });
  const timeAxis: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const width = () => Math.max(300, Math.min(900, app.clientWidth - 40));
  requestAnimationFrame(() => {
    rateChart = new uPlot(
      {
        title: 'Send rate',
        width: width(),
        height: 180,
        series: [
          {},
          {
            label: 'average',
            stroke: cssVar('--vscode-charts-blue', '#3794ff'),
            width: 2,
            value: (_u, v) => (v == null ? '—' : formatRate(v)),
          },
          {
            label: 'maximum',
            stroke: cssVar('--vscode-charts-red', '#f14c4c'),
            width: 1,
            dash: [6, 4],
            points: { show: false },
            value: (_u, v) => (v == null ? '—' : formatRate(v)),
          },
        ],
        axes: [timeAxis, axis((v) => formatRate(v))],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      },
      [[], [], []],
      rateBox,
    );
    rttChart = new uPlot(
      {
        title: 'Round-trip time',
        width: width(),
        height: 160,
        series: [
          {},
          {
            label: 'round trip',
            stroke: cssVar('--vscode-charts-green', '#89d185'),
            width: 2,
            value: (_u, v) => (v == null ? '—' : `${v} ms`),
          },
        ],
        axes: [timeAxis, axis((v) => `${v} ms`)],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.2] } },
      },
      [[], []],
      rttBox,
    );
    if (current) plot(current.history);
    new ResizeObserver(() => {
      rateChart?.setSize({ width: width(), height: 180 });
      rttChart?.setSize({ width: width(), height: 160 });
    }).observe(app);
  });
  return h('div', { class: 'charts' }, rateBox, rttBox);
}

function plot(history: History): void {
  const t = history.t.map((ms) => ms / 1000);
  rateChart?.setData([t, history.sendRateAverage, history.sendRateMax] as uPlot.AlignedData);
  rttChart?.setData([t, history.roundTripTimeMs] as uPlot.AlignedData);
}

// ---- userData: add, edit in place, delete; an edit in progress survives every live patch ----

interface Row {
  tr: HTMLTableRowElement;
  value: HTMLElement;
  error: HTMLElement;
  edit: HTMLButtonElement;
  remove: HTMLButtonElement;
  input?: HTMLInputElement;
}
const rows = new Map<string, Row>();
let tbody: HTMLTableSectionElement;
let requestSeq = 0;
const pending = new Map<number, { key: string; done: (ok: boolean, error?: string) => void }>();

function userDataTable(): HTMLElement {
  tbody = h('tbody', {});
  const keyInput = h('input', { type: 'text', 'aria-label': 'New key', placeholder: 'key', maxlength: '256' });
  const valueInput = h('input', { type: 'text', 'aria-label': 'New value', placeholder: 'value' });
  const add = h('button', { type: 'button', text: 'Add' });
  const addError = h('span', { class: 'row-error', role: 'alert' });
  const submit = () => {
    const key = keyInput.value;
    if (!key) return (addError.textContent = 'Enter a key.');
    if (key.length > 256) return (addError.textContent = 'A key is at most 256 characters.');
    if (key === '__proto__') return (addError.textContent = 'The key "__proto__" is not allowed.');
    if (Object.hasOwn(userDataOf(current), key)) return (addError.textContent = 'This key exists already; edit it instead.');
    if (valueInput.value.length > MAX_USER_DATA_VALUE) return (addError.textContent = 'A value is at most 65,536 characters.');
    addError.textContent = '';
    add.disabled = true;
    request({ type: 'setUserData', key, value: valueInput.value }, (ok, error) => {
      add.disabled = false;
      if (ok) {
        keyInput.value = '';
        valueInput.value = '';
        keyInput.focus();
      } else addError.textContent = error ?? 'The change did not land.';
    });
  };
  add.addEventListener('click', submit);
  for (const i of [keyInput, valueInput]) i.addEventListener('keydown', (e) => e.key === 'Enter' && submit());
  const foot = h('tfoot', {}, h('tr', {}, h('td', {}, keyInput), h('td', {}, valueInput), h('td', {}, add, addError)));
  return h(
    'table',
    { class: 'user-data', 'data-field': 'userData' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Key' }), h('th', { text: 'Value' }), h('th', { text: 'Actions' }))),
    tbody,
    foot,
  );
}

function request(
  m: { type: 'setUserData'; key: string; value: string } | { type: 'deleteUserData'; key: string },
  done: (ok: boolean, error?: string) => void,
): void {
  const requestId = ++requestSeq;
  pending.set(requestId, { key: m.key, done });
  send({ ...m, requestId });
}

function makeRow(key: string): Row {
  const value = h('td', { class: 'value' });
  const error = h('div', { class: 'row-error', role: 'alert' });
  const edit = h('button', { type: 'button', text: 'Edit', 'aria-label': `Edit ${key}` });
  const remove = h('button', { type: 'button', text: 'Delete', 'aria-label': `Delete ${key}` });
  const tr = h('tr', { 'data-key': key }, h('td', { class: 'key', text: key }), value, h('td', {}, edit, remove, error));
  const row: Row = { tr, value, error, edit, remove };
  edit.addEventListener('click', () => (row.input ? commit(key, row) : startEdit(key, row)));
  remove.addEventListener('click', () => {
    remove.disabled = true;
    request({ type: 'deleteUserData', key }, (ok, err) => {
      remove.disabled = false;
      row.error.textContent = ok ? '' : (err ?? 'Not deleted.');
    });
  });
  return row;
}

function startEdit(key: string, row: Row): void {
  const input = h('input', { type: 'text', 'aria-label': `Value of ${key}` });
  input.value = textValue(userDataOf(current)[key]) ?? '';
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commit(key, row);
    if (e.key === 'Escape') stopEdit(key, row);
  });
  row.input = input;
  row.value.textContent = '';
  row.value.append(input);
  row.edit.textContent = 'Save';
  input.focus();
}

function stopEdit(key: string, row: Row): void {
  row.input = undefined;
  row.edit.textContent = 'Edit';
  row.value.textContent = valueText(userDataOf(current)[key], 100_000);
}

function commit(key: string, row: Row): void {
  const input = row.input;
  if (!input) return;
  if (input.value.length > MAX_USER_DATA_VALUE) {
    row.error.textContent = 'A value is at most 65,536 characters.';
    return;
  }
  row.edit.disabled = true;
  request({ type: 'setUserData', key, value: input.value }, (ok, err) => {
    row.edit.disabled = false;
    row.error.textContent = ok ? '' : (err ?? 'The change did not land.');
    if (ok) stopEdit(key, row);
  });
}

/** userData of the current snapshot: any JSON values, as the server sent them. */
function userDataOf(m: SnapshotMessage | undefined): Record<string, unknown> {
  const u = m?.destination.userData;
  return typeof u === 'object' && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : {};
}

/** Only text values are edited here: a number or an object would change type when written back as text. */
function textValue(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function patchUserData(userData: Record<string, unknown>): void {
  for (const [key, row] of rows) {
    if (!Object.hasOwn(userData, key) && !row.input) {
      row.tr.remove();
      rows.delete(key);
    }
  }
  for (const key of Object.keys(userData)) {
    const value = userData[key];
    let row = rows.get(key);
    if (!row) {
      row = makeRow(key);
      rows.set(key, row);
      tbody.append(row.tr);
    }
    const editable = typeof value === 'string';
    row.edit.disabled = !editable;
    row.edit.title = editable ? '' : 'Only text values can be edited here: this value is JSON of another type.';
    const text = valueText(value, 100_000);
    if (!row.input && row.value.textContent !== text) row.value.textContent = text;
    row.value.classList.toggle('not-text', !editable);
  }
}

// ---- applying a snapshot ----

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function apply(m: SnapshotMessage): void {
  current = m;
  const record = m.destination;
  const name = `${valueText(record.destinationAddress, 200)}:${valueText(record.destinationPort, 20)}`;
  setText(heading, name);
  document.title = name;
  setText(statusBadge, STATUS_LABELS[m.status]);
  statusBadge.className = `badge ${m.status}`;
  banner.hidden = m.liveness === 'live';
  setText(
    banner,
    m.liveness === 'deleted'
      ? 'This destination no longer exists on the server. Showing the last data seen.'
      : m.liveness === 'unreachable'
        ? `${m.problem ?? 'The server cannot be reached.'} Showing the last data seen.`
        : '',
  );
  document.body.dataset.liveness = m.liveness;
  patchProblems(m);

  const unexpected = new Map(m.problems.map((p) => [p.field, p.message]));
  for (const [path, cell] of cells) {
    const [a, b] = path.split('.');
    const parent = record[a!];
    const value = b ? (typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[b] : undefined) : parent;
    const wrong = unexpected.get(path) ?? (b ? unexpected.get(a!) : undefined);
    setText(cell.el, wrong ? `${plain(value)} (unexpected: ${wrong})` : cell.format(value));
    cell.el.classList.toggle('absent', value === undefined);
    cell.el.classList.toggle('unexpected', !!wrong);
    if (cell.copy) {
      cell.copy.dataset.value = value == null ? '' : valueText(value, 100_000);
      cell.copy.disabled = value == null;
    }
  }
  // A newer server may send fields no reference page knows: show them too.
  for (const key of Object.keys(record)) {
    if (!cells.has(key) && !placedFields.has(key)) otherFields.append(fieldRow({ field: key, label: key }));
  }
  otherFields.parentElement!.hidden = !otherFields.childElementCount;
  patchLanes(record.priorityLanes);
  patchUserData(userDataOf(m));
  setText(rawJson, JSON.stringify(record, null, 2));
  plot(m.history);
}

/** The fields that do not fit the Destination structure, listed above the sections. */
function patchProblems(m: SnapshotMessage): void {
  const signature = JSON.stringify(m.problems);
  if (problemList.dataset.signature === signature) return;
  problemList.dataset.signature = signature;
  problemList.textContent = '';
  problemList.hidden = !m.problems.length;
  if (!m.problems.length) return;
  problemList.append(h('li', { class: 'problems-title', text: 'The server sent data this extension did not expect:' }));
  for (const p of m.problems) problemList.append(h('li', { text: p.field ? `${p.field}: ${p.message}` : p.message }));
}

/** A lanes map of proportions as a bar; any other shape of priorityLanes as its JSON. */
function patchLanes(value: unknown): void {
  const lanes = value === null || value === undefined ? undefined : lanesOf(value);
  const entries = Object.entries(lanes ?? {});
  const signature = JSON.stringify(value === undefined ? 'absent' : (lanes ?? valueText(value, 10_000)));
  if (laneBar.dataset.signature === signature) return;
  laneBar.dataset.signature = signature;
  laneBar.textContent = '';
  laneList.textContent = '';
  if (value !== undefined && value !== null && !lanes) {
    laneBar.hidden = true;
    laneList.append(h('li', { class: 'unexpected', text: `${valueText(value, 10_000)} (a shape this extension does not draw)` }));
    return;
  }
  laneBar.hidden = false;
  if (!entries.length) {
    laneList.append(h('li', { text: value === undefined ? ABSENT : 'no lanes' }));
    return;
  }
  let used = 0;
  entries.forEach(([name, share], i) => {
    used += share;
    const part = h('div', { class: `lane lane-${i % 6}`, title: `${name}: ${Math.round(share * 100)} %` });
    part.style.width = `${share * 100}%`;
    laneBar.append(part);
    laneList.append(h('li', {}, h('span', { class: `swatch lane-${i % 6}` }), `${name}: ${Math.round(share * 1000) / 10} %`));
  });
  if (used < 0.999) {
    const rest = h('div', { class: 'lane lane-free', title: `unassigned: ${Math.round((1 - used) * 100)} %` });
    rest.style.width = `${(1 - used) * 100}%`;
    laneBar.append(rest);
    laneList.append(h('li', {}, h('span', { class: 'swatch lane-free' }), `unassigned: ${Math.round((1 - used) * 1000) / 10} %`));
  }
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (m.type === 'snapshot') apply(m);
  else if (m.type === 'problem') {
    banner.hidden = false;
    setText(banner, m.text);
  } else {
    const p = pending.get(m.requestId);
    pending.delete(m.requestId);
    p?.done(m.ok, m.error);
  }
});

const state = PanelState.safeParse(JSON.parse(document.body.dataset.panelState ?? 'null'));
if (state.success) vscode.setState(state.data);
build();
send({ type: 'ready' });
