/**
 * What the page keeps through VS Code's getState()/setState(): VS Code reloads a hidden webview when it
 * shows again (this panel does not retain its context), and a window reload brings it back through the
 * serializer. So a half-typed userData edit, the scroll position, the open <details> and the last data
 * seen live here. `server` and `destinationId` stay at the top level: the extension's serializer reads
 * exactly those (PanelState), and zod's object drops the rest.
 */
import { bounded } from '../model/bounded';
import type { PanelState, SnapshotMessage } from './protocol';
import { isSnapshot, type VsCodeApi } from './messages';

export interface SavedSnapshot {
  /** When it arrived, ms since the epoch. */
  at: number;
  /** True when the record was cut to fit: then nothing is copied from it. */
  excerpt: boolean;
  message: SnapshotMessage;
}

export interface PageState extends PanelState {
  add: { key: string; value: string };
  /** Open in-row edits: key and the text in its input. Pairs, not an object, so any key is safe. */
  edits: [string, string][];
  /** The control that had focus: `add-key`, `add-value` or `edit:<key>`. */
  focus?: string | undefined;
  scrollY: number;
  /** ids of the open <details>. */
  open: string[];
  last?: SavedSnapshot | undefined;
}

/** At most this often the last snapshot is written (and when the page is hidden). */
export const SNAPSHOT_SAVE_MS = 3000;
/** Points of plot history kept: five minutes at one a second. */
export const MAX_SAVED_POINTS = 300;
/** A record larger than this as JSON is saved as an excerpt; one still larger is not saved. */
export const MAX_SAVED_CHARS = 200_000;
const EXCERPT_LIMITS = { depth: 6, string: 2_000, items: 200, total: 2_000 };

export class PageStore {
  readonly value: PageState;
  private lastSnapshotSave = 0;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private unsaved: { at: number; message: SnapshotMessage } | undefined;

  /** Without the panel's identity nothing is written: the serializer would drop such a panel anyway. */
  constructor(
    private readonly api: VsCodeApi,
    private readonly panel: PanelState | undefined,
  ) {
    this.value = restore(api.getState(), panel);
    // Written at once, so the serializer finds the panel's identity even if nothing else changes.
    this.write();
  }

  update(patch: Partial<PageState>): void {
    Object.assign(this.value, patch);
    this.write();
  }

  /** Keeps a snapshot as the last known data: the first at once, then at most every SNAPSHOT_SAVE_MS. */
  offerSnapshot(message: SnapshotMessage): void {
    this.unsaved = { at: Date.now(), message };
    const wait = this.lastSnapshotSave + SNAPSHOT_SAVE_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.snapshotTimer ??= setTimeout(() => this.flush(), wait);
  }

  /** Writes what is pending now: the page is being hidden or unloaded. */
  flush(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    if (this.unsaved) {
      this.value.last = saved(this.unsaved.at, this.unsaved.message);
      this.unsaved = undefined;
      this.lastSnapshotSave = Date.now();
    }
    this.write();
  }

  private write(): void {
    if (this.panel) this.api.setState(this.value);
  }
}

function saved(at: number, m: SnapshotMessage): SavedSnapshot | undefined {
  const n = m.history.t.length;
  const keep = <T>(a: T[]) => (n > MAX_SAVED_POINTS ? a.slice(-MAX_SAVED_POINTS) : a);
  const history = {
    t: keep(m.history.t),
    sendRateAverage: keep(m.history.sendRateAverage),
    sendRateMax: keep(m.history.sendRateMax),
    roundTripTimeMs: keep(m.history.roundTripTimeMs),
  };
  if (JSON.stringify(m.destination).length <= MAX_SAVED_CHARS) return { at, excerpt: false, message: { ...m, history } };
  const destination = bounded(m.destination, EXCERPT_LIMITS) as Record<string, unknown>;
  if (JSON.stringify(destination).length > MAX_SAVED_CHARS) return undefined;
  return { at, excerpt: true, message: { ...m, destination, history } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The saved state of this very panel, read defensively: it may come from an older version of the page. */
export function restore(raw: unknown, panel: PanelState | undefined): PageState {
  const fresh: PageState = {
    ...(panel ?? { server: '', destinationId: '' }),
    add: { key: '', value: '' },
    edits: [],
    scrollY: 0,
    open: [],
  };
  if (!isObject(raw) || !panel || raw.server !== panel.server || raw.destinationId !== panel.destinationId) return fresh;
  const add = isObject(raw.add) ? { key: text(raw.add.key), value: text(raw.add.value) } : fresh.add;
  const edits = Array.isArray(raw.edits)
    ? raw.edits.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string')
    : [];
  const last =
    isObject(raw.last) && typeof raw.last.at === 'number' && isSnapshot(raw.last.message)
      ? { at: raw.last.at, excerpt: raw.last.excerpt === true, message: raw.last.message }
      : undefined;
  return {
    ...fresh,
    add,
    edits,
    focus: typeof raw.focus === 'string' ? raw.focus : undefined,
    scrollY: typeof raw.scrollY === 'number' && raw.scrollY > 0 ? raw.scrollY : 0,
    open: Array.isArray(raw.open) ? raw.open.filter((id): id is string => typeof id === 'string') : [],
    last,
  };
}
