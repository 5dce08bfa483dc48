/**
 * The one userData edit: what the user is told must be what the server has. An answer lost after the
 * server applied the write is checked against the server, and a Retry never overwrites a value a
 * colleague wrote since the edit began.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JetStreamError } from '../../src/api/errors';
import { editUserData } from '../../src/model/userDataEdit';
import { record } from '../fixtures/records';
import { stubClient } from './stubClient';

interface Faults {
  /** The write is applied, then the connection drops before the answer. */
  dropAfterApply?: boolean;
  /** The connection drops before the write reaches the server. */
  dropBeforeApply?: boolean;
  /** The server refuses the write. */
  refuse?: boolean;
  /** Reading the destination fails too. */
  readFails?: boolean;
  /** The server refuses removals only. */
  refuseRemove?: boolean;
  /** A removal is never applied, and its answer is lost. */
  dropRemove?: boolean;
}

/** One destination's userData on a server, and the faults its next calls meet. */
function server(userData: Record<string, string>, faults: Faults = {}) {
  const data = { ...userData };
  const dropped = () => new JetStreamError('Unreachable', 'connection reset by peer');
  const { client, calls } = stubClient((command, params) => {
    if (command === 'send.getDestination') {
      if (faults.readFails) throw dropped();
      return record(1, { userData: { ...data } });
    }
    if (faults.refuse) throw new JetStreamError('PermissionDenied', 'not your destination');
    if (command === 'send.deleteObjectUserData' && faults.refuseRemove) throw new JetStreamError('PermissionDenied', 'not your key');
    if (command === 'send.deleteObjectUserData' && faults.dropRemove) throw dropped();
    if (faults.dropBeforeApply) throw dropped();
    if (command === 'send.updateObjectUserData') Object.assign(data, params.userData);
    else if (command === 'send.deleteObjectUserData') for (const k of params.keys as string[]) delete data[k];
    else throw new Error(`unexpected ${command}`);
    if (faults.dropAfterApply) throw dropped();
    return { ...data };
  });
  const writes = () => calls.filter((c) => c !== 'send.getDestination');
  return { client, data, writes, faults };
}

describe('editUserData', () => {
  it('says landed with the userData the server has after the edit', async () => {
    const s = server({ team: 'media', old: 'x' });
    assert.deepEqual(await editUserData(s.client, 'd-1', { set: { team: 'ops' }, remove: ['old'] }), {
      result: 'landed',
      userData: { team: 'ops' },
    });
  });

  it('says rejected, in the server’s words, when the server refuses', async () => {
    const s = server({ team: 'media' }, { refuse: true });
    const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' } });
    assert.equal(outcome.result, 'rejected');
    assert.equal(outcome.result === 'rejected' && outcome.error.message, 'not your destination');
    assert.deepEqual(s.data, { team: 'media' });
  });

  it('says landed when the connection dropped after the server applied the edit', async () => {
    const s = server({ team: 'media' }, { dropAfterApply: true });
    assert.deepEqual(await editUserData(s.client, 'd-1', { set: { team: 'ops' } }), { result: 'landed', userData: { team: 'ops' } });
    const removal = server({ team: 'media' }, { dropAfterApply: true });
    assert.equal((await editUserData(removal.client, 'd-1', { remove: ['team'] })).result, 'landed');
  });

  it('says rejected, with what the server holds, when the connection dropped before the edit reached it', async () => {
    const s = server({ team: 'media' }, { dropBeforeApply: true });
    const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' } });
    assert.equal(outcome.result, 'rejected');
    assert.deepEqual(outcome.result === 'rejected' && outcome.userData, { team: 'media' }, 'the view can show the server’s value');
  });

  it('says unknown when the answer was lost and the server cannot be asked either', async () => {
    const s = server({ team: 'media' }, { dropAfterApply: true, readFails: true });
    const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' } });
    assert.equal(outcome.result, 'unknown');
    assert.equal(outcome.result === 'unknown' && outcome.error.code, 'Unreachable');
  });

  it('says what landed, with what the server holds, when the set lands and the removal is refused', async () => {
    const s = server({ team: 'media', old: 'x' }, { refuseRemove: true });
    assert.deepEqual(await editUserData(s.client, 'd-1', { set: { team: 'ops' }, remove: ['old'] }), {
      result: 'partial',
      landed: ['team'],
      missed: ['old'],
      error: { code: 'PermissionDenied', message: 'not your key' },
      userData: { team: 'ops', old: 'x' },
    });
  });

  it('says what landed when the removal’s answer was lost and the server shows it did not happen', async () => {
    const s = server({ team: 'media', old: 'x' }, { dropRemove: true });
    const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' }, remove: ['old'] });
    assert.equal(outcome.result, 'partial');
    assert.deepEqual(outcome.result === 'partial' && [outcome.landed, outcome.missed, outcome.userData], [['team'], ['old'], s.data]);
  });

  describe('Retry', () => {
    it('sends nothing when a colleague changed the key since the edit began, and shows their value', async () => {
      const s = server({ team: 'a colleague’s value' });
      const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' }, expect: { team: 'media' } });
      assert.deepEqual(outcome, {
        result: 'conflict',
        current: { team: 'a colleague’s value' },
        userData: { team: 'a colleague’s value' },
      });
      assert.deepEqual(s.writes(), [], 'nothing written');
      assert.deepEqual(s.data, { team: 'a colleague’s value' });
    });

    it('sends nothing when a colleague added a key the edit expected absent', async () => {
      const s = server({ ticket: 'OPS-9' });
      const outcome = await editUserData(s.client, 'd-1', { set: { ticket: 'OPS-7' }, expect: { ticket: null } });
      assert.equal(outcome.result, 'conflict');
      assert.deepEqual(s.writes(), []);
    });

    it('sends the edit when the key still holds the value seen when it began', async () => {
      const s = server({ team: 'media' });
      const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' }, expect: { team: 'media' } });
      assert.deepEqual(outcome, { result: 'landed', userData: { team: 'ops' } });
      assert.deepEqual(s.writes(), ['send.updateObjectUserData']);
    });

    it('says landed without sending again when the first try had landed after all', async () => {
      const s = server({ team: 'ops' });
      const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' }, expect: { team: 'media' } });
      assert.deepEqual(outcome, { result: 'landed', userData: { team: 'ops' } });
      assert.deepEqual(s.writes(), []);
    });

    it('finishes an edit of which one key had landed: a key holding the edit’s own value is no colleague’s', async () => {
      // The first try set team, then lost the connection before the removal of old.
      const s = server({ team: 'ops', old: 'x' });
      const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' }, remove: ['old'], expect: { team: 'media', old: 'x' } });
      assert.deepEqual(outcome, { result: 'landed', userData: { team: 'ops' } });
      assert.deepEqual(s.data, { team: 'ops' });
    });

    it('sends nothing when the server cannot be read to check', async () => {
      const s = server({ team: 'media' }, { readFails: true });
      const outcome = await editUserData(s.client, 'd-1', { set: { team: 'ops' }, expect: { team: 'media' } });
      assert.equal(outcome.result, 'rejected');
      assert.deepEqual(s.writes(), []);
    });
  });
});
