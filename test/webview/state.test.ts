/**
 * The page state through getState()/setState(): VS Code reloads a hidden webview when its tab shows
 * again, and a window reload restores the panel through the serializer. What was typed, where the
 * reader was and the last known data come back; the serializer's fields stay where it reads them.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { PanelState } from '../../src/webview/protocol';
import { MAX_SAVED_POINTS, SNAPSHOT_SAVE_MS } from '../../src/webview/state';
import { destination, Harness, snapshot, type PanelPage } from './harness';

let harness: Harness;
const open: PanelPage[] = [];

before(async () => {
  harness = await Harness.start();
});
after(() => harness?.close());
afterEach(async () => {
  for (const p of open.splice(0)) {
    assert.deepEqual(p.errors, [], 'no error on the page');
    if (!p.page.isClosed()) await p.page.close();
  }
});

async function panel(...args: Parameters<Harness['open']>): Promise<PanelPage> {
  const p = await harness.open(...args);
  open.push(p);
  return p;
}

async function reopen(old: PanelPage, state: unknown): Promise<PanelPage> {
  const p = await harness.reopen(old, state);
  open.push(p);
  return p;
}

describe('page state', () => {
  it('keeps the panel identity where the serializer reads it', async () => {
    const p = await panel();
    const state = await p.state();
    assert.deepEqual(PanelState.parse(state), { server: 'Lab', destinationId: 'd-1' });
  });

  it('brings back a half-typed add row and an open in-row edit after a tab switch', async () => {
    let p = await panel();
    await p.post(snapshot(destination()));
    const page = p.page;
    await page.locator('tfoot input[aria-label="New key"]').fill('half-key');
    await page.locator('tfoot input[aria-label="New value"]').fill('half-value');
    await page.locator('tr[data-key="team"] button', { hasText: 'Edit' }).click();
    await page.locator('tr[data-key="team"] input').fill('half-typed');

    p = await reopen(p, await p.state());
    // Before the extension sends anything: the last known data, the typed text, the edit open and focused.
    assert.equal((await p.posted()).filter((m) => m.type !== 'ready').length, 0);
    assert.equal(await p.page.locator('tfoot input[aria-label="New key"]').inputValue(), 'half-key');
    assert.equal(await p.page.locator('tfoot input[aria-label="New value"]').inputValue(), 'half-value');
    const input = p.page.locator('tr[data-key="team"] input');
    assert.equal(await input.inputValue(), 'half-typed');
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'the edit has the focus again');
    assert.ok(await p.page.getByRole('button', { name: 'Cancel editing team' }).isVisible());

    await p.post(snapshot(destination({ userData: { team: 'changed-elsewhere', ticket: 'OPS-42' } })));
    assert.equal(await input.inputValue(), 'half-typed', 'the live data does not overwrite it');
    await input.press('Enter');
    const last = (await p.posted()).at(-1)!;
    assert.deepEqual({ ...last, requestId: 0 }, { type: 'setUserData', requestId: 0, key: 'team', value: 'half-typed' });
  });

  it('opens a saved edit when its row appears, and drops it when the live data has no such key', async () => {
    let p = await panel({ state: { server: 'Lab', destinationId: 'd-1', edits: [['team', 'typed before']] } });
    assert.equal(await p.page.locator('tr[data-key="team"] input').count(), 0, 'no row yet');
    await p.post(snapshot(destination()));
    assert.equal(await p.page.locator('tr[data-key="team"] input').inputValue(), 'typed before');

    p = await reopen(p, { server: 'Lab', destinationId: 'd-1', edits: [['gone', 'typed before']] });
    await p.post(snapshot(destination()));
    assert.deepEqual((await p.state())?.edits, [], 'no edit left waiting for a key the server does not have');
  });

  it('ignores saved state of another panel', async () => {
    const p = await panel({ state: { server: 'Other', destinationId: 'x', add: { key: 'not mine', value: '' }, edits: [] } });
    assert.equal(await p.page.locator('tfoot input[aria-label="New key"]').inputValue(), '');
    assert.deepEqual(PanelState.parse(await p.state()), { server: 'Lab', destinationId: 'd-1' });
  });

  it('shows the last known data at once after a reload, marked, until live data comes', async () => {
    let p = await panel();
    await p.post(snapshot(destination({ numTransfersQueued: 7 })));
    const saved = await p.state();
    p = await reopen(p, saved);
    const page = p.page;
    assert.match(await p.text('#notice'), /^Last known data from \d\d:\d\d:\d\d; waiting for the server…$/);
    assert.equal(await p.text('#title'), 'receiver.example.com:8886');
    assert.equal(await p.text('[data-field="numTransfersQueued"]'), '7');
    assert.ok(await page.locator('.sections').isVisible());
    assert.equal(
      await page.getByRole('button', { name: 'Copy Address' }).isDisabled(),
      false,
      'the whole record was kept: it can be copied',
    );
    await page.waitForTimeout(200);
    const inked = await page.locator('#rate-chart canvas').evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(inked > 500, 'the plots too');

    await p.post(snapshot(destination({ numTransfersQueued: 8 })));
    assert.equal(await page.locator('#notice').isVisible(), false, 'the mark goes with live data');
    assert.equal(await p.text('[data-field="numTransfersQueued"]'), '8');
  });

  it('saves snapshots at most every few seconds, at once when hidden, and caps the history', async () => {
    const p = await panel();
    const page = p.page;
    const long = snapshot(destination({ numTransfersQueued: 1 }));
    const n = 2000;
    const t = Array.from({ length: n }, (_, i) => 1_790_000_000_000 + i * 1000);
    long.history = { t, sendRateAverage: t.map(() => 1), sendRateMax: t.map(() => 2), roundTripTimeMs: t.map(() => 3) };
    await p.post(long);
    const first = (await p.state()) as { last: { message: { destination: Record<string, unknown>; history: { t: number[] } } } };
    assert.equal(first.last.message.destination.numTransfersQueued, 1, 'the first snapshot is kept at once');
    assert.equal(first.last.message.history.t.length, MAX_SAVED_POINTS, 'not the whole history');
    assert.equal(first.last.message.history.t.at(-1), t.at(-1), 'its newest part');

    await p.post(snapshot(destination({ numTransfersQueued: 2 })));
    await p.post(snapshot(destination({ numTransfersQueued: 3 })));
    const writes = await page.evaluate(() => (window as unknown as { __states: number }).__states);
    assert.equal(((await p.state()) as typeof first).last.message.destination.numTransfersQueued, 1, 'not every second');

    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    assert.equal(((await p.state()) as typeof first).last.message.destination.numTransfersQueued, 3, 'the latest, when the page is hidden');
    assert.ok((await page.evaluate(() => (window as unknown as { __states: number }).__states)) > writes);

    await p.post(snapshot(destination({ numTransfersQueued: 4 })));
    await page.waitForTimeout(SNAPSHOT_SAVE_MS + 300);
    assert.equal(
      ((await p.state()) as typeof first).last.message.destination.numTransfersQueued,
      4,
      'and the last one within the interval',
    );
  });

  it('keeps an excerpt of a huge record, and copies nothing from it', async () => {
    let p = await panel();
    const big = 'y'.repeat(60_000);
    await p.post(snapshot(destination({ userData: { a: big, b: big, c: big, d: big } })));
    const saved = (await p.state()) as { last: { excerpt: boolean } };
    assert.equal(saved.last.excerpt, true);
    assert.ok(JSON.stringify(saved).length < 250_000, 'the state stays small');
    p = await reopen(p, saved);
    assert.match(await p.text('#notice'), /^Last known data from/);
    assert.equal(await p.page.getByRole('button', { name: 'Copy Address' }).isDisabled(), true);
    assert.equal(await p.page.locator('button.copy-json').isDisabled(), true);
    await p.post(snapshot(destination()));
    assert.equal(await p.page.getByRole('button', { name: 'Copy Address' }).isDisabled(), false);
  });

  it('brings back the scroll position and the open <details>', async () => {
    let p = await panel({ height: 600 });
    await p.post(snapshot(destination()));
    await p.page.locator('#raw-details summary').click();
    await p.page.evaluate(() => window.scrollTo(0, 700));
    await p.page.waitForTimeout(300);
    const saved = await p.state();
    assert.deepEqual(saved?.open, ['raw-details']);
    p = await reopen(p, saved);
    assert.equal(await p.page.locator('#raw-details').evaluate((d: HTMLDetailsElement) => d.open), true);
    assert.equal(await p.page.evaluate(() => Math.round(window.scrollY)), 700);
  });
});
