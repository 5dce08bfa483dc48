/**
 * The details page checks a userData key or value with the extension's own schemas before it sends it:
 * what it lets through is what the extension takes from it, and what it refuses is said in the page's
 * words, with the schema's limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FromWebview } from '../../src/webview/protocol';
import { keyProblem, valueProblem } from '../../src/webview/userDataRules';

const accepted = (key: string, value: string) => FromWebview.safeParse({ type: 'setUserData', requestId: 1, key, value }).success;

describe('the page’s userData rules', () => {
  const keys = ['', 'k', 'k'.repeat(256), 'k'.repeat(257), '__proto__', 'constructor', 'prototype', ' ', '"'];
  const values = ['', 'v', 'v'.repeat(65_536), 'v'.repeat(65_537)];

  it('lets through exactly the keys and values the extension accepts from the page', () => {
    for (const key of keys) assert.equal(keyProblem(key) === '', accepted(key, 'v'), `key ${JSON.stringify(key.slice(0, 20))}…`);
    for (const value of values) assert.equal(valueProblem(value) === '', accepted('k', value), `value of ${value.length}`);
  });

  it('says why in the page’s words, with the limits of the shared schemas', () => {
    assert.equal(keyProblem(''), 'Enter a key.');
    assert.equal(keyProblem('k'.repeat(257)), 'A key is at most 256 characters.');
    assert.equal(keyProblem('__proto__'), 'The key "__proto__" is not allowed.');
    assert.equal(valueProblem('v'.repeat(65_537)), 'A value is at most 65,536 characters.');
  });
});
