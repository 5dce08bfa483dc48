/**
 * The details page in Chromium: every field, live patching, userData editing, the plots' legends,
 * copy and refresh, translations, and hostile data kept as text.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DESTINATION_FIELDS, TRANSFER_DEFAULTS_FIELDS, type Destination } from '../../src/api/schemas';
import { valueText } from '../../src/model/bounded';
import { formatRate } from '../../src/model/format';
import { CELL_TEXT_MAX, clockTime } from '../../src/webview/fields';
import { detailsHtml } from '../../src/views/detailsHtml';
import { HOSTILE_STRINGS } from '../fixtures/hostile';
import { destination, Harness, root, snapshot, type PanelPage } from './harness';

const shots = path.join(root, 'test-results/screenshots');
mkdirSync(shots, { recursive: true });

let harness: Harness;
let panel: PanelPage;

before(async () => {
  harness = await Harness.start();
});
after(() => harness?.close());

describe('detailsHtml', () => {
  const parts = {
    cspSource: 'https://x',
    nonce: 'n',
    scriptUri: 's.js',
    styleUri: 's.css',
    state: { server: 'Lab', destinationId: 'd-1' },
  };

  it('puts translations in one escaped attribute, and none without them', () => {
    assert.doesNotMatch(detailsHtml(parts), /data-l10n/);
    assert.doesNotMatch(detailsHtml({ ...parts, l10n: {} }), /data-l10n/);
    const html = detailsHtml({ ...parts, l10n: { 'Loading…': 'Lädt "<x>' }, lang: 'de' });
    assert.ok(html.includes('data-l10n="{&quot;Loading…&quot;:&quot;Lädt \\&quot;&lt;x&gt;&quot;}"'), html);
    assert.ok(html.includes('<p class="loading">Lädt &quot;&lt;x&gt;</p>'), html);
    assert.ok(html.includes('<html lang="de">'), html);
  });
});

describe('details page', () => {
  beforeEach(async () => {
    panel = await harness.open();
  });
  afterEach(async () => {
    assert.deepEqual(panel.errors, [], 'no error on the page');
    await panel.page.close();
  });

  it('says it is ready, then shows every field of the Destination structure', async () => {
    assert.deepEqual((await panel.posted())[0], { type: 'ready' });
    await panel.post(snapshot(destination()));
    const page = panel.page;
    for (const field of DESTINATION_FIELDS) {
      if (field === 'transferDefaults') continue;
      assert.equal(await page.locator(`[data-field="${field}"]`).count(), 1, `${field} shown once`);
    }
    for (const field of TRANSFER_DEFAULTS_FIELDS)
      assert.equal(await page.locator(`[data-field="transferDefaults.${field}"]`).count(), 1, field);
    assert.equal(await panel.text('#title'), 'receiver.example.com:8886');
    assert.equal(await panel.text('[data-field="sendRateAverage"]'), '61.5 Mbit/s (61,500 kbit/s)');
    assert.equal(await panel.text('[data-field="socketSendBufferSize"]'), '8 MiB (8,388,608 bytes)');
    assert.equal(await panel.text('[data-field="transferDefaults.overwriteMode"]'), '3: Part file, never overwrite (OVERWRITE_NEVER)');
    assert.equal(await panel.text('[data-field="transferDefaults.transferFlags"]'), '0 (none)');
    assert.match(await panel.text('[data-field="snapshotTime"]'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(.+\)$/);
    assert.match(await panel.text('[data-field="priorityLanes"]'), /interactive: 30 %[\s\S]*bulk: 50 %[\s\S]*unassigned: 20 %/);
    assert.equal(await page.locator('.lane-bar .lane').count(), 3);
    assert.match((await page.locator('pre.raw').textContent()) ?? '', /"destinationId": "d-1"/);
    assert.equal(await page.locator('#status-badge').innerText(), 'Connected', 'the status in words, not colour alone');
    await page.screenshot({ path: path.join(shots, 'details-dark.png'), fullPage: true });
  });

  it('says it waits for the server until data comes, with nothing to copy yet', async () => {
    const page = panel.page;
    assert.equal(await panel.text('#notice'), 'Waiting for the server…');
    assert.equal(await page.locator('.sections').isVisible(), false, 'no empty sections');
    assert.equal(await page.locator('button.copy').first().isDisabled(), true);
    await panel.post(snapshot(destination()));
    assert.equal(await page.locator('#notice').isVisible(), false);
    assert.equal(await page.locator('button.copy').first().isDisabled(), false);
  });

  it('shows why there is no data when the extension says so, instead of waiting', async () => {
    await panel.post({ type: 'problem', text: "Server 'Lab' is no longer configured." });
    assert.equal(await panel.text('#banner'), "Server 'Lab' is no longer configured.");
    assert.equal(await panel.page.locator('#notice').isVisible(), false);
  });

  it('marks fields an older server does not send as absent, not as errors', async () => {
    const d = destination();
    delete (d as Partial<Destination>).ownerToken;
    delete (d as Partial<Destination>).priorityLanes;
    await panel.post(snapshot(d));
    assert.match(await panel.text('[data-field="ownerToken"]'), /absent/);
    assert.match(await panel.text('[data-field="priorityLanes"]'), /absent/);
  });

  it('gives the raw figure in parentheses only when the formatted unit differs', async () => {
    await panel.post(
      snapshot(
        destination({
          sendRateAverage: 0,
          sendRateMax: 999,
          socketRecvBufferSize: 512,
          transferDefaults: { ...destination().transferDefaults, sendRateMax: 50_000 },
        }),
      ),
    );
    assert.equal(await panel.text('[data-field="sendRateAverage"]'), '0 kbit/s');
    assert.equal(await panel.text('[data-field="sendRateMax"]'), '999 kbit/s');
    assert.equal(await panel.text('[data-field="transferDefaults.sendRateMax"]'), '50 Mbit/s (50,000 kbit/s)');
    assert.equal(await panel.text('[data-field="socketRecvBufferSize"]'), '512 bytes');
  });

  it('draws the send-rate and round-trip plots from the history', async () => {
    await panel.post(snapshot(destination()));
    await panel.page.waitForTimeout(200);
    for (const id of ['#rate-chart', '#rtt-chart']) {
      const inked = await panel.page.locator(`${id} canvas`).evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(inked > 500, `${id} has drawn pixels (${inked})`);
    }
  });

  it('labels the plots with their latest values: legend text with 24-hour times, no stand-ins', async () => {
    const m = snapshot(destination());
    await panel.post(m);
    const page = panel.page;
    const last = m.history.t.length - 1;
    const at = `at ${clockTime(m.history.t[last]!)}`;
    assert.match(at, /^at \d\d:\d\d:\d\d$/);
    const rate = await panel.text('#rate-chart-legend');
    assert.ok(rate.includes(`average ${formatRate(m.history.sendRateAverage[last]!)}`), rate);
    assert.ok(rate.includes('maximum 100 Mbit/s'), rate);
    assert.ok(rate.includes(at), rate);
    assert.match(await panel.text('#rtt-chart-legend'), new RegExp(`round trip ${m.history.roundTripTimeMs[last]} ms\\s+${at}`));
    const charts = await panel.text('.charts');
    assert.doesNotMatch(charts, /--|Value|undefined|NaN/, 'no placeholder in the legends');
    const label = (await page.locator('#rate-chart').getAttribute('aria-label')) ?? '';
    assert.equal(await page.locator('#rate-chart').getAttribute('role'), 'img');
    assert.ok(label.includes(`average ${formatRate(m.history.sendRateAverage[last]!)}`) && label.includes('maximum 100 Mbit/s'), label);

    // Under the pointer the legend shows that point; away from the plot, the latest again.
    const over = page.locator('#rate-chart .u-over');
    const box = (await over.boundingBox())!;
    await over.hover({ position: { x: box.width * 0.25, y: box.height / 2 } });
    const hovered = await panel.text('#rate-chart-legend');
    const time = /at (\d\d:\d\d:\d\d)/.exec(hovered)?.[1];
    const i = m.history.t.findIndex((v) => clockTime(v) === time);
    assert.ok(i > 0 && i < last, `a point inside the minute: ${hovered}`);
    assert.ok(hovered.includes(`average ${formatRate(m.history.sendRateAverage[i]!)}`), hovered);
    await page.mouse.move(5, 5);
    assert.ok((await panel.text('#rate-chart-legend')).includes(at));
  });

  it('patches a live update in place, keeping an edit in progress and its focus', async () => {
    await panel.post(snapshot(destination()));
    const page = panel.page;
    await page.locator('tr[data-key="team"] button', { hasText: 'Edit' }).click();
    const input = page.locator('tr[data-key="team"] input');
    await input.fill('half-typed');
    await panel.post(
      snapshot(destination({ sendRateAverage: 12_000, userData: { team: 'changed-elsewhere', ticket: 'OPS-43', extra: 'new' } })),
    );
    assert.equal(await input.inputValue(), 'half-typed');
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'focus stays in the edit');
    assert.equal(await panel.text('[data-field="sendRateAverage"]'), '12 Mbit/s (12,000 kbit/s)');
    assert.equal(await panel.text('tr[data-key="ticket"] td.value'), 'OPS-43');
    assert.equal(await panel.text('tr[data-key="extra"] td.value'), 'new');
    await input.press('Enter');
    const last = (await panel.posted()).at(-1)!;
    assert.deepEqual({ ...last, requestId: 0 }, { type: 'setUserData', requestId: 0, key: 'team', value: 'half-typed' });
  });

  it('puts Cancel beside Save in an in-row edit, and Cancel sends nothing', async () => {
    await panel.post(snapshot(destination()));
    const page = panel.page;
    const row = page.locator('tr[data-key="team"]');
    await row.locator('button', { hasText: 'Edit' }).click();
    const save = row.getByRole('button', { name: 'Save team' });
    const cancel = row.getByRole('button', { name: 'Cancel editing team' });
    assert.ok((await save.isVisible()) && (await cancel.isVisible()));
    assert.equal(await row.locator('button', { hasText: 'Delete' }).isVisible(), false, 'Delete is out of the way while editing');
    const [s, c] = [(await save.boundingBox())!, (await cancel.boundingBox())!];
    assert.ok(Math.abs(s.y - c.y) < 2 && c.x > s.x && c.x - (s.x + s.width) < 12, 'Cancel right after Save, on the same line');
    await row.locator('input').fill('not wanted');
    const before = (await panel.posted()).length;
    await cancel.click();
    assert.equal((await panel.posted()).length, before, 'nothing sent');
    assert.equal(await row.locator('input').count(), 0);
    assert.equal(await panel.text('tr[data-key="team"] td.value'), 'media');
    assert.ok(await row.locator('button', { hasText: 'Edit' }).evaluate((el) => el === document.activeElement), 'focus back on Edit');
  });

  it('shows a userData change the server refused next to its row', async () => {
    await panel.post(snapshot(destination()));
    await panel.page.locator('tr[data-key="ticket"] button', { hasText: 'Delete' }).click();
    const request = (await panel.posted()).at(-1)!;
    assert.equal(request.type, 'deleteUserData');
    await panel.post({
      type: 'userDataResult',
      requestId: request.requestId,
      key: 'ticket',
      ok: false,
      error: "Server 'Lab' denied user demo permission",
    });
    assert.equal(await panel.text('tr[data-key="ticket"] .row-error'), "Server 'Lab' denied user demo permission");
  });

  it('adds a userData entry, refusing an empty key before anything is sent', async () => {
    await panel.post(snapshot(destination()));
    const page = panel.page;
    const before = (await panel.posted()).length;
    await page.locator('tfoot button', { hasText: 'Add' }).click();
    assert.equal((await panel.posted()).length, before, 'nothing sent');
    assert.equal(await panel.text('tfoot .row-error'), 'Enter a key.');
    await page.locator('tfoot input[aria-label="New key"]').fill('owner-team');
    await page.locator('tfoot input[aria-label="New value"]').fill('ops');
    await page.locator('tfoot input[aria-label="New value"]').press('Enter');
    const m = (await panel.posted()).at(-1)!;
    assert.equal(m.type, 'setUserData');
    assert.equal(m.key, 'owner-team');
    assert.equal(m.value, 'ops');
  });

  it('clears "This key exists already" once the key changes or the fields are cleared', async () => {
    await panel.post(snapshot(destination()));
    const page = panel.page;
    const key = page.locator('tfoot input[aria-label="New key"]');
    const value = page.locator('tfoot input[aria-label="New value"]');
    const error = page.locator('tfoot .row-error');
    await key.fill('team');
    await value.fill('x');
    await page.locator('tfoot button', { hasText: 'Add' }).click();
    assert.equal(await error.innerText(), 'This key exists already; edit it instead.');
    await key.press('2');
    assert.equal(await error.textContent(), '', 'gone when the key changes');
    await key.fill('team');
    await value.press('Enter');
    assert.equal(await error.innerText(), 'This key exists already; edit it instead.');
    await value.fill('');
    assert.equal(await error.innerText(), 'This key exists already; edit it instead.', 'still true while the key is there');
    await key.fill('');
    assert.equal(await error.textContent(), '', 'gone when the fields are cleared');
  });

  it('posts copy with the value beside a compact, named Copy button, and Copy JSON with the record', async () => {
    const d = destination();
    await panel.post(snapshot(d));
    const page = panel.page;
    const copy = page.getByRole('button', { name: 'Copy Address' });
    const box = (await copy.boundingBox())!;
    assert.ok(box.width <= 24 && box.height <= 24, `compact: ${box.width}×${box.height}`);
    const value = (await page.locator('[data-field="destinationAddress"]').boundingBox())!;
    assert.ok(
      Math.abs(box.y + box.height / 2 - (value.y + value.height / 2)) < 6 && box.x > value.x + value.width - 1,
      'next to its value',
    );
    await copy.click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'copy', text: 'receiver.example.com' });
    await page.locator('#raw-details summary').click();
    await page.getByRole('button', { name: 'Copy JSON' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'copy', text: JSON.stringify(d, null, 2) });
    await page.getByRole('button', { name: 'Refresh' }).click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'refresh' });
  });

  it('speaks the language the host puts in the page, English where it has no translation', async () => {
    await panel.page.close();
    panel = await harness.open({
      l10n: {
        // Quotes and markup in a translation reach the page as text: the attribute is escaped, the text set as text.
        Refresh: 'Aktualisieren "<b>&amp;',
        'Send rate (average)': 'Senderate (Mittel)',
        'Waiting for the server…': 'Warte auf den Server…',
        '{0} ms': '{0} Millisekunden',
        // Words of the tables by status and by overwrite mode, too.
        Connected: 'Verbunden',
        'Part file, never overwrite (OVERWRITE_NEVER)': 'Teildatei, nie überschreiben',
      },
    });
    const page = panel.page;
    assert.equal(await panel.text('#notice'), 'Warte auf den Server…');
    await panel.post(snapshot(destination()));
    assert.equal(await page.getByRole('button', { name: 'Aktualisieren "<b>&amp;' }).count(), 1);
    assert.equal(await page.locator('#app b').count(), 0);
    assert.equal(
      await page
        .locator('dt', { has: page.locator('code', { hasText: /^sendRateAverage$/ }) })
        .locator('.label')
        .innerText(),
      'Senderate (Mittel)',
    );
    assert.equal(await panel.text('[data-field="roundTripTimeMs"]'), '42 Millisekunden');
    assert.equal(await page.locator('#status-badge').innerText(), 'Verbunden');
    assert.equal(await panel.text('[data-field="transferDefaults.overwriteMode"]'), '3: Teildatei, nie überschreiben');
    assert.equal(await panel.text('[data-field="sendRateMax"]'), '100 Mbit/s (100,000 kbit/s)', 'untranslated strings stay English');
  });

  it('marks a deleted destination instead of blanking it', async () => {
    await panel.post(snapshot(destination()));
    await panel.post(snapshot(destination(), { liveness: 'deleted' }));
    assert.match(await panel.text('#banner'), /no longer exists/);
    assert.equal(await panel.text('#title'), 'receiver.example.com:8886');
  });

  it('ignores messages that do not match the protocol', async () => {
    await panel.post(snapshot(destination()));
    await panel.post({ type: 'snapshot', destination: { destinationAddress: 'forged' } });
    await panel.post({ type: 'evil', html: '<img src=x onerror=alert(1)>' });
    assert.equal(await panel.text('#title'), 'receiver.example.com:8886');
  });

  it('renders every hostile string as inert text', async () => {
    const page = panel.page;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    for (const hostile of HOSTILE_STRINGS) {
      await panel.post(
        snapshot(
          destination({
            destinationAddress: hostile,
            lastError: hostile,
            lastErrorMessage: hostile,
            owner: hostile,
            userData: { [hostile.slice(0, 256) || 'k']: hostile, plain: hostile },
            priorityLanes: { [hostile.slice(0, 100) || 'lane']: 0.5 },
          }),
        ),
      );
      assert.equal(
        await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
        undefined,
        `executed: ${JSON.stringify(hostile).slice(0, 80)}`,
      );
      // A cell shows at most CELL_TEXT_MAX characters of a value (Raw JSON and Copy have it all).
      assert.equal(
        await page.locator('[data-field="lastErrorMessage"]').textContent(),
        valueText(hostile, CELL_TEXT_MAX),
        'shown as the very text',
      );
    }
    assert.equal(await page.locator('#app img, #app script, #app iframe, #app a[href]').count(), 0, 'no element came from server data');
    assert.deepEqual(dialogs, []);
  });

  it('lets the Content-Security-Policy block an injected inline script', async () => {
    const page = panel.page;
    const violations = await page.evaluate(async () => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 1';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return seen;
    });
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.ok(
      violations.some((v) => v.startsWith('script-src')),
      `violations: ${violations}`,
    );
  });
});
