/**
 * The store against a server whose answers the test holds back: a poll asked for before an edit was
 * confirmed answers with what the server had then, and must not paint the old value over the edit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DestinationStore } from '../../src/model/store';
import { record } from '../fixtures/records';
import { deferred, stubClient, type Deferred } from './stubClient';

const INFO = { apiVersion: 40, version: '2.9.2', authRequired: false };

function storeWithHeldPolls() {
  let holding: { arrived: Deferred<void>; answer: Deferred<void> } | undefined;
  let list = [record(1, { userData: { note: 'old' } })];
  const { client } = stubClient(async (command) => {
    if (command === 'getServerInfo') return INFO;
    if (command !== 'send.getDestinations') throw new Error(`unexpected ${command}`);
    const held = holding;
    holding = undefined;
    if (!held) return list;
    // What the server had when the poll reached it, sent only when the test says so.
    const asked = list;
    held.arrived.resolve();
    await held.answer.promise;
    return asked;
  });
  const store = new DestinationStore(async () => client);
  store.setProfiles([{ name: 'lab', transport: 'http', url: 'http://stub', superuser: false }]);
  const painted: string[][] = [];
  store.onDidChange((c) => painted.push(c.changed));
  const note = () => store.destination('lab', 'd-1')?.userData?.note;
  const serverNow = (userData: Record<string, string>) => (list = [record(1, { userData })]);
  /**
   * A poll reaches the server while it still has the old value; then the edit lands and is confirmed.
   * The poll's answer is held until `answer` is called.
   */
  const editDuringPoll = async () => {
    await store.refresh('lab');
    const held = { arrived: deferred<void>(), answer: deferred<void>() };
    holding = held;
    const polling = store.refresh('lab');
    await held.arrived.promise;
    serverNow({ note: 'new' });
    store.acceptUserData('lab', 'd-1', { note: 'new' });
    return { polling, answer: () => held.answer.resolve() };
  };
  return { store, painted, note, serverNow, editDuringPoll };
}

describe('DestinationStore and confirmed edits', () => {
  it('keeps a confirmed edit when a poll asked for before it answers with the old value', async () => {
    const s = storeWithHeldPolls();
    const { polling, answer } = await s.editDuringPoll();
    assert.equal(s.note(), 'new', 'the edit shows at once');
    answer();
    await polling;
    assert.equal(s.note(), 'new', 'the poll that left before the edit does not paint the old value back');
  });

  it('lets the server speak again once a poll asked for after the edit answers', async () => {
    const s = storeWithHeldPolls();
    const { polling, answer } = await s.editDuringPoll();
    answer();
    await polling;
    s.serverNow({ note: 'a colleague wrote this later' });
    await s.store.refresh('lab');
    assert.equal(s.note(), 'a colleague wrote this later', 'the edit is settled: later values on the server show');
    assert.deepEqual(s.painted.at(-1), ['d-1'], 'and the row repaints');
  });

  it('takes a later poll that waited behind the held one as the server’s word', async () => {
    const s = storeWithHeldPolls();
    const { polling, answer } = await s.editDuringPoll();
    // Asked for after the confirmation: it follows the held poll and reads what the server has then.
    const after = s.store.refresh('lab');
    answer();
    s.serverNow({ note: 'newer' });
    await Promise.all([polling, after]);
    assert.equal(s.note(), 'newer');
  });
});
