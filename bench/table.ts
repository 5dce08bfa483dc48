/**
 * The destinations table's page with 100,000 rows, measured in headless Chromium (test/webview/tablePerf.ts,
 * run with tsx in a process of its own: the benchmark's bundle does not carry the browser driver).
 * Figures: time to first paint, time to answer a filter, frames a second while scrolling.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export function tableFigures(root: string, rows = 100_000): Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/webview/tablePerf.ts'), String(rows)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`the table's page could not be measured in Chromium:\n${(r.stderr ?? '').slice(-2000)}`);
  const f = JSON.parse(line) as { firstPaintMs: number; filterMs: number; filterWordsMs: number; scrollFps: number; allRowsMs: number };
  return {
    tableFirstPaintMs100k: f.firstPaintMs,
    tableAllRowsMs100k: f.allRowsMs,
    tableFilterMs100k: f.filterMs,
    tableFilterWordsMs100k: f.filterWordsMs,
    tableScrollFps100k: f.scrollFps,
  };
}
