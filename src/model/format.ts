/**
 * How numbers read to a person: rates in kbit/s / Mbit/s / Gbit/s, buffers in binary units,
 * microsecond timestamps as local time with an age. Shared by the tree and the webview.
 */
export function formatRate(kbps: number | null | undefined): string {
  if (kbps === null || kbps === undefined || !Number.isFinite(kbps)) return '—';
  if (kbps >= 1_000_000) return `${trim(kbps / 1_000_000)} Gbit/s`;
  if (kbps >= 1_000) return `${trim(kbps / 1_000)} Mbit/s`;
  return `${trim(kbps)} kbit/s`;
}

/** "12.3 / 100 Mbit/s": both in the unit of the maximum, so they compare at a glance. */
export function formatRatePair(kbps: number, maxKbps: number): string {
  const [div, unit] = maxKbps >= 1_000_000 ? [1_000_000, 'Gbit/s'] : maxKbps >= 1_000 ? [1_000, 'Mbit/s'] : [1, 'kbit/s'];
  return `${trim(kbps / div)} / ${trim(maxKbps / div)} ${unit}`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} bytes` : `${trim(v)} ${units[i]}`;
}

/** Local date and time of a µs timestamp, and how long ago it was. */
export function formatTimestamp(us: number | null | undefined, nowMs = Date.now()): string {
  if (us === null || us === undefined) return 'never';
  const ms = us / 1000;
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${local} (${formatAge(nowMs - ms)})`;
}

export function formatAge(ms: number): string {
  if (ms < 0) return 'in the future';
  const s = Math.round(ms / 1000);
  if (s < 2) return 'just now';
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** 12,345: by hand, as toLocaleString costs a microsecond a call, which adds up at 50,000 rows a second. */
export function formatCount(n: number): string {
  const text = String(n);
  return Number.isInteger(n) && Math.abs(n) >= 1000 ? text.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : text;
}

/** Cuts a server string to a length a row can show, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Three significant figures at most, no trailing zeros: by arithmetic, as toFixed costs much more at 50,000 rows. */
function trim(v: number): string {
  const scale = v >= 100 ? 1 : v >= 10 ? 10 : 100;
  return String(Math.round(v * scale) / scale);
}
