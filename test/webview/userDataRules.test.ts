/**
 * The userData table refuses, before anything is sent, what the extension would refuse (the shared
 * schemas' rules), and says so in the page's language.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { destination, Harness, snapshot, type PanelPage } from './harness';

let harness: Harness;
let panel: PanelPage | undefined;

before(async () => {
  harness = await Harness.start();
});
after(() => harness?.close());
afterEach(async () => {
  assert.deepEqual(panel?.errors ?? [], [], 'no error on the page');
  await panel?.page.close();
});

describe('userData rules on the page', () => {
  it('refuses a forbidden key and an over-long value in the page’s language, sending nothing', async () => {
    panel = await harness.open({
      l10n: {
        'The key "{0}" is not allowed.': 'Der Schlüssel „{0}“ ist nicht erlaubt.',
        'A value is at most {0} characters.': 'Ein Wert hat höchstens {0} Zeichen.',
      },
    });
    await panel.post(snapshot(destination()));
    const page = panel.page;
    const sent = (await panel.posted()).length;
    const key = page.locator('tfoot input[aria-label="New key"]');
    const value = page.locator('tfoot input[aria-label="New value"]');
    const error = page.locator('tfoot .row-error');
    assert.equal(await key.getAttribute('maxlength'), '256', 'the key input stops at the schema’s limit');
    await key.fill('__proto__');
    await value.fill('x');
    await value.press('Enter');
    assert.equal(await error.innerText(), 'Der Schlüssel „__proto__“ ist nicht erlaubt.');
    await key.fill('notes');
    await value.fill('v'.repeat(65_537));
    await value.press('Enter');
    assert.equal(await error.innerText(), 'Ein Wert hat höchstens 65,536 Zeichen.');
    // The same rule in an in-row edit.
    const row = page.locator('tr[data-key="team"]');
    await row.locator('button', { hasText: 'Edit' }).click();
    await row.locator('input').fill('v'.repeat(65_537));
    await row.locator('input').press('Enter');
    assert.equal(await row.locator('.row-error').innerText(), 'Ein Wert hat höchstens 65,536 Zeichen.');
    assert.equal((await panel.posted()).length, sent, 'nothing sent');
  });
});
