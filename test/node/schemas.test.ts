/** The zod schemas against the vendor's reference page: every field, old servers, bad data, bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIssue } from '../../src/api/issues';
import { protocolError } from '../../src/api/errors';
import { DESTINATION_FIELDS, Destination, lanesOf, ServerInfo, TRANSFER_DEFAULTS_FIELDS } from '../../src/api/schemas';
import { CreateDestinationParams, HostAddress, UserDataInput } from '../../src/api/inputSchemas';

/** The field names of shared/spec/destination-structure.txt, in its order. */
const REFERENCE_FIELDS = [
  'connectionId',
  'destinationAddress',
  'destinationId',
  'destinationIP',
  'destinationPort',
  'destinationPublicKey',
  'encryptedConnectionState',
  'encryptionEnabled',
  'lastDestinationServerId',
  'lastDestinationServerUid',
  'lastError',
  'lastErrorMessage',
  'lastRecvTime',
  'lastSendTime',
  'numTransfersQueued',
  'owner',
  'ownerToken',
  'ownerTokenSession',
  'permittedDestinationPublicKey',
  'priorityLanes',
  'relayIP',
  'relayPort',
  'roundTripTimeMs',
  'senderIP',
  'senderPort',
  'sendRateAverage',
  'sendRateMax',
  'snapshotTime',
  'socketRecvBufferSize',
  'socketSendBufferSize',
  'transferDefaults',
  'userData',
];
const REFERENCE_TRANSFER_DEFAULTS = [
  'checkpointFrequencySeconds',
  'overwriteMode',
  'priority',
  'priorityLane',
  'sendRateMax',
  'transferFlags',
];

function full(): Record<string, unknown> {
  return {
    connectionId: 'c1',
    destinationAddress: 'rx.example.com',
    destinationId: 'd1',
    destinationIP: '192.0.2.1',
    destinationPort: 8886,
    destinationPublicKey: 'KEY',
    encryptedConnectionState: 'connected',
    encryptionEnabled: true,
    lastDestinationServerId: 'a',
    lastDestinationServerUid: 'b',
    lastError: null,
    lastErrorMessage: null,
    lastRecvTime: 1_700_000_000_000_000,
    lastSendTime: null,
    numTransfersQueued: 0,
    owner: 'demo',
    ownerToken: null,
    ownerTokenSession: null,
    permittedDestinationPublicKey: null,
    priorityLanes: { a: 0.5, b: 0.5 },
    relayIP: null,
    relayPort: null,
    roundTripTimeMs: 12.5,
    senderIP: '198.51.100.1',
    senderPort: 40000,
    sendRateAverage: 100,
    sendRateMax: 1000,
    snapshotTime: 1_700_000_000_000_000,
    socketRecvBufferSize: 1024,
    socketSendBufferSize: 2048,
    transferDefaults: {
      checkpointFrequencySeconds: 30,
      overwriteMode: 3,
      priority: 1,
      priorityLane: 'a',
      sendRateMax: 0,
      transferFlags: 0,
    },
    userData: { k: 'v' },
  };
}

describe('Destination schema', () => {
  it('has exactly the fields of the reference page, and the six transfer defaults', () => {
    assert.deepEqual([...DESTINATION_FIELDS].sort(), [...REFERENCE_FIELDS].sort());
    assert.deepEqual([...TRANSFER_DEFAULTS_FIELDS].sort(), [...REFERENCE_TRANSFER_DEFAULTS].sort());
  });

  it('reads a full destination and keeps fields it does not know', () => {
    const parsed = Destination.parse({ ...full(), futureField: { x: 1 } });
    assert.deepEqual((parsed as Record<string, unknown>).futureField, { x: 1 });
    assert.equal(parsed.transferDefaults.overwriteMode, 3);
  });

  it('reads a server older than 1.6.1: no priority lanes, errors, owner, userData or token fields', () => {
    const old = full();
    for (const f of [
      'priorityLanes',
      'lastError',
      'lastErrorMessage',
      'owner',
      'permittedDestinationPublicKey',
      'userData',
      'ownerToken',
      'ownerTokenSession',
    ])
      delete old[f];
    const td = old.transferDefaults as Record<string, unknown>;
    delete td.sendRateMax;
    delete td.priorityLane;
    delete td.overwriteMode;
    assert.ok(Destination.safeParse(old).success);
  });

  it('names the field and the destination when data is malformed', () => {
    const list = [full(), { ...full(), destinationId: 'd2', sendRateMax: 'fast' }];
    const r = Destination.array().safeParse(list);
    assert.ok(!r.success);
    assert.match(describeIssue(r.error, list), /^item 2 \(id d2\), field sendRateMax: /);
  });

  it('refuses states, timestamps and ports that cannot be', () => {
    for (const [field, value] of [
      ['encryptedConnectionState', 'sleeping'],
      ['snapshotTime', -1],
      ['snapshotTime', '2026-01-01'],
      ['destinationPort', 70000],
      ['destinationId', ''],
      ['userData', [1, 2]],
    ] as const) {
      assert.ok(!Destination.safeParse({ ...full(), [field]: value }).success, `${field} = ${JSON.stringify(value)}`);
    }
  });

  it('accepts the types the docs leave open: ids of either kind, a lastError code, no checkpoints, any userData value, any lanes shape', () => {
    for (const [field, value] of [
      ['destinationId', 7],
      ['connectionId', 12],
      ['lastDestinationServerId', 3],
      ['lastError', 1042],
      ['transferDefaults', { ...(full().transferDefaults as object), checkpointFrequencySeconds: null }],
      ['userData', { count: 3, nested: { a: [1] }, flag: true, none: null }],
      ['priorityLanes', [{ name: 'bulk', proportion: 0.5 }]],
      ['priorityLanes', { a: 0.7, b: 0.7 }],
    ] as const) {
      assert.ok(Destination.safeParse({ ...full(), [field]: value }).success, `${field} = ${JSON.stringify(value)}`);
    }
    assert.deepEqual(lanesOf({ a: 0.25, b: 0.5 }), { a: 0.25, b: 0.5 });
    assert.equal(lanesOf([{ name: 'bulk', proportion: 0.5 }]), undefined, 'an unknown lanes shape is shown raw, never as a bar');
  });

  it('reads server information, requiring what a client needs first', () => {
    assert.ok(ServerInfo.safeParse({ apiVersion: 40, version: '2.9.2', authRequired: true, newThing: 1 }).success);
    assert.ok(!ServerInfo.safeParse({ version: '2.9.2', authRequired: true }).success);
  });
});

describe('input checks', () => {
  it('accepts host names and IP literals, and nothing else', () => {
    for (const ok of ['rx.example.com', 'localhost', '192.0.2.1', '2001:db8::1', '::1', 'a-b.c', '1e3'])
      assert.ok(HostAddress.safeParse(ok).success, ok);
    for (const bad of ['', 'not a host', '999.1.1.1', '12345', 'a:b', '-x.com', 'x'.repeat(254), 'a..b', 'http://x'])
      assert.ok(!HostAddress.safeParse(bad).success, bad);
  });

  it('checks the fields of a create request against each other', () => {
    const relay = CreateDestinationParams.safeParse({ destinationAddress: 'a.example', relayPort: 8887 });
    assert.ok(!relay.success);
    assert.match(describeIssue(relay.error, {}), /relayPort.*relayAddress/);
    const lane = CreateDestinationParams.safeParse({
      destinationAddress: 'a.example',
      transferDefaults: { priorityLane: 'fast' },
      priorityLanes: { slow: 1 },
    });
    assert.ok(!lane.success);
    assert.match(describeIssue(lane.error, {}), /"fast" is not one of the destination's priority lanes/);
    assert.ok(
      !CreateDestinationParams.safeParse({ destinationAddress: 'a.example', surprise: 1 }).success,
      'unknown parameters are refused',
    );
  });

  it('refuses userData keys that are empty, too long, or special to JavaScript', () => {
    for (const key of ['', 'k'.repeat(257), '__proto__']) {
      const value = JSON.parse(`{${JSON.stringify(key)}: "v"}`);
      const r = UserDataInput.safeParse(value);
      assert.ok(!r.success, JSON.stringify(key).slice(0, 20));
      assert.match(describeIssue(r.error, value), /invalid key/);
    }
  });
});

describe('error messages', () => {
  const ctx = { server: 'lab', command: 'send.getDestination', user: 'demo', endpoint: 'http://x' };
  it('say what happened in words a user can act on', () => {
    assert.equal(protocolError('AuthFailed', 'bad credentials', ctx).message, "Server 'lab' refused the password for user demo.");
    assert.equal(
      protocolError('AuthFailed', 'token expired', { ...ctx, usedToken: true }).message,
      "Server 'lab' refused the API token: token expired",
    );
    assert.match(protocolError('NotFound', '', ctx).message, /^Server 'lab' has no such destination visible to user demo/);
    assert.match(protocolError('UnknownCommand', '', ctx).message, /older JetStream version/);
    assert.equal(protocolError('PermissionDenied', 'not yours', ctx, { status: 403 }).details.status, 403);
  });
});
