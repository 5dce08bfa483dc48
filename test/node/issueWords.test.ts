/**
 * What a user reads when a value is refused: Create Destination's steps, a destinations file, a bad
 * answer. Every zod issue kind reads as plain words naming the field, never zod's own wording.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod';
import { describeIssue } from '../../src/api/issues';
import { Destination, Id, PriorityLanes } from '../../src/api/schemas';
import { CreateDestinationParams, TransferDefaultsInput, UserDataInput } from '../../src/api/inputSchemas';

/** Every problem of a value, each as the user reads it. */
function words(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  assert.ok(!r.success, `${JSON.stringify(value)} is refused`);
  return r.error.issues.map((i) => describeIssue(new z.ZodError([i]), value));
}

const ZOD_JARGON = /expected|received|Invalid input|Invalid option|Too (big|small)|Unrecognized|Invalid key in|NaN|<=|>=/;

describe('refused values in words', () => {
  it('says what type a field must have: a number, text, a whole number, a finite number', () => {
    assert.deepEqual(words(TransferDefaultsInput, { sendRateMax: '100M', priorityLane: 3, overwriteMode: 1.5 }), [
      'field overwriteMode: must be a whole number',
      'field priorityLane: must be text',
      'field sendRateMax: must be a number',
    ]);
    assert.deepEqual(words(TransferDefaultsInput, { priority: Number('abc'), sendRateMax: Infinity }), [
      'field priority: must be a number',
      'field sendRateMax: must be a finite number',
    ]);
    assert.deepEqual(words(UserDataInput, { team: 1 }), ['field team: must be text'], "the Create step's userData");
    assert.deepEqual(words(UserDataInput, ['a']), ['the value must be an object of keys and values']);
  });

  it('says the bounds a value is outside of', () => {
    assert.deepEqual(words(TransferDefaultsInput, { overwriteMode: 9, checkpointFrequencySeconds: -1, sendRateMax: 0 }), [
      'field checkpointFrequencySeconds: must be at least 0',
      'field overwriteMode: must be at most 5',
      'field sendRateMax: must be more than 0',
    ]);
    assert.deepEqual(words(CreateDestinationParams, { destinationAddress: 'rx.example', senderPort: 70000 }), [
      'field senderPort: must be at most 65,535',
    ]);
    assert.deepEqual(words(PriorityLanes, { bulk: 2 }).slice(0, 1), ['field bulk: must be at most 1']);
    assert.deepEqual(words(z.string().max(3), 'abcd'), ['the value must be at most 3 characters']);
    assert.deepEqual(words(z.array(z.string()).max(1), ['a', 'b']), ['the value must have at most 1 item']);
    assert.deepEqual(words(z.string().min(1), ''), ['the value cannot be empty']);
  });

  it('names what is missing, unknown, or not one of the choices', () => {
    assert.deepEqual(words(CreateDestinationParams, {}), ['field destinationAddress: is required']);
    assert.deepEqual(words(CreateDestinationParams, { destinationAddress: 'rx.example', surprise: 1 }), ['unknown field "surprise"']);
    const state = words(Destination.shape.encryptedConnectionState, 'sleeping');
    assert.deepEqual(state, ['the value must be one of "disconnected", "negotiating" or "connected"']);
    assert.deepEqual(words(z.literal(3), 4), ['the value must be 3']);
    assert.deepEqual(words(Id, true), ['the value must be text or a number']);
    assert.deepEqual(words(Id, ''), ['the value cannot be empty'], 'the alternative whose type fitted says what is wrong');
    assert.deepEqual(words(Destination.pick({ connectionId: true }), {}), ['field connectionId: is required']);
  });

  it('words formats, multiples and record keys', () => {
    assert.deepEqual(words(z.string().regex(/^a$/), 'b'), ['the value is not in the expected form']);
    assert.deepEqual(words(z.string().startsWith('x'), 'b'), ['the value must start with "x"']);
    assert.deepEqual(words(z.number().multipleOf(5), 3), ['the value must be a multiple of 5']);
    assert.deepEqual(words(z.record(z.string().max(2), z.string()), { abc: 'v' }), ['invalid key "abc": must be at most 2 characters']);
    const long = words(UserDataInput, { ['k'.repeat(300)]: 'v' })[0]!;
    assert.match(long, /^invalid key "k{39}…": a key is at most 256 characters$/, 'a long key is cut, the schema message kept');
  });

  it("keeps a schema's own message", () => {
    assert.deepEqual(words(CreateDestinationParams, { destinationAddress: 'not a host' }), [
      'field destinationAddress: not a host name or IP address',
    ]);
    assert.deepEqual(words(UserDataInput, { '': 'v' }), ['invalid key "": a key cannot be empty']);
    assert.deepEqual(words(PriorityLanes, { a: 0.7, b: 0.6 }), ['priority lane proportions add up to more than 1']);
  });

  it('never shows zod wording, for any field of a destination or a create request', () => {
    const bad = { destinationAddress: 7, destinationPort: 'x', transferDefaults: { priority: 'high' }, userData: { a: [1] }, extra: 1 };
    for (const w of [...words(Destination, bad), ...words(CreateDestinationParams, bad)]) assert.doesNotMatch(w, ZOD_JARGON, w);
  });
});
