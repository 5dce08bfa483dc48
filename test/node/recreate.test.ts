/**
 * Undo of a delete recreates the destination from its last record: what it restores must be accepted
 * by createDestination, and what it cannot restore is named so Undo can say so.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Destination } from '../../src/api/schemas';
import { CreateDestinationParams } from '../../src/api/inputSchemas';
import { recreateParams } from '../../src/model/recreate';
import { record } from '../fixtures/records';

const destination = (over: Record<string, unknown>) => Destination.parse(record(1, over));

/** The plan, after checking that createDestination would take its parameters. */
function plan(d: Destination) {
  const p = recreateParams(d);
  const sendable = CreateDestinationParams.safeParse(p.params);
  assert.ok(sendable.success, `createDestination takes the parameters: ${sendable.error?.message}`);
  return p;
}

describe('recreateParams', () => {
  it('restores every setting the record holds', () => {
    const settings = {
      destinationAddress: 'undo.example.com',
      destinationPort: 9200,
      sendRateMax: 75_000,
      permittedDestinationPublicKey: 'AAAA',
      socketSendBufferSize: 8_388_608,
      socketRecvBufferSize: 4_194_304,
      transferDefaults: {
        checkpointFrequencySeconds: 15,
        overwriteMode: 4,
        priority: 3,
        priorityLane: 'bulk',
        sendRateMax: 5000,
        transferFlags: 2,
      },
      priorityLanes: { bulk: 0.6, interactive: 0.2 },
      userData: { team: 'media', ticket: 'OPS-7' },
    };
    const p = plan(destination({ ...settings, relayIP: '192.0.2.50', relayPort: 8887 }));
    assert.deepEqual(p, { params: { ...settings, relayAddress: '192.0.2.50', relayPort: 8887 }, lost: [] });
  });

  it('leaves unlimited rates, zero buffers and disabled checkpoints to the server’s defaults', () => {
    const p = plan(
      destination({
        sendRateMax: 0,
        transferDefaults: { checkpointFrequencySeconds: null, priority: 1, sendRateMax: 0, transferFlags: 0 },
      }),
    );
    assert.deepEqual(p.params, {
      destinationAddress: 'rx-1.example.com',
      destinationPort: 8886,
      transferDefaults: { priority: 1, transferFlags: 0 },
    });
  });

  it('names a relay that was not resolved yet, which it cannot restore', () => {
    const p = plan(destination({ relayIP: null, relayPort: 8887 }));
    assert.deepEqual(p.lost, [{ part: 'relay' }]);
    assert.equal(p.params.relayPort, undefined, 'a relay port without its address would be refused');
  });

  it('keeps text userData and names the keys whose values are not text', () => {
    const p = plan(destination({ userData: { team: 'media', quota: 5, tags: ['a'] } }));
    assert.deepEqual(p.params.userData, { team: 'media' });
    assert.deepEqual(p.lost, [{ part: 'userData', keys: ['quota', 'tags'] }]);
  });

  it('still recreates a destination whose lanes it cannot read, without the lane its defaults named', () => {
    const p = plan(
      destination({
        transferDefaults: { checkpointFrequencySeconds: 30, priority: 1, priorityLane: 'bulk', transferFlags: 0 },
        priorityLanes: [{ name: 'bulk', share: 60 }],
      }),
    );
    assert.deepEqual(p.lost, [{ part: 'lanes' }]);
    assert.equal(p.params.priorityLanes, undefined);
    assert.equal(p.params.transferDefaults?.priorityLane, undefined);
  });
});
