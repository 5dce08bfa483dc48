/**
 * Reading what a console printed when it failed, and keeping secrets out of what a server said.
 * The vendor documents no error format, so the texts below are the plausible ones: Python tracebacks,
 * argparse refusals, one-line messages, and this project's own `Code: message`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyConsoleFailure, parseConsoleOutput } from '../../src/api/consoleText';
import { protocolError } from '../../src/api/errors';
import { redactor } from '../../src/api/redact';

const traceback = (
  last: string,
  frames = 'File "/opt/jetstream/lib/jetstream/auth.py", line 41, in login\n    self._check(user, password)',
) => `Traceback (most recent call last):\n  File "/usr/bin/jetstream", line 8, in <module>\n    sys.exit(main())\n  ${frames}\n${last}\n`;

describe('console failures, classified by their words', () => {
  for (const [text, code] of [
    [traceback("jetstream.errors.ApiError: Login failed for user 'demo'"), 'AuthFailed'],
    ['Authentication failed.', 'AuthFailed'],
    ['Error: invalid password', 'AuthFailed'],
    [traceback('PermissionError: user demo is not allowed to delete this destination'), 'PermissionDenied'],
    ['Forbidden', 'PermissionDenied'],
    [traceback("KeyError: 'destination d-1 not found'"), 'NotFound'],
    ["jetstream api: error: unknown command 'send.getDestinations'", 'UnknownCommand'],
    ["AttributeError: 'SendInterface' object has no attribute 'getDestinationz'", 'UnknownCommand'],
    [traceback('ConnectionRefusedError: [Errno 111] Connection refused'), 'Unreachable'],
    ['socket.timeout: timed out', 'Unreachable'],
    [
      'usage: jetstream api [-h] [--host HOST] [--api-control-port PORT] [--user USER] command\njetstream api: error: unrecognized arguments: --superuser',
      'InvalidRequest',
    ],
    ['Warning: Password input may be echoed.\nPassword: ' + traceback('EOFError'), 'AuthRequired'],
    ['AuthFailed: Wrong user name or password', 'AuthFailed'],
    ['AuthRequired: This server requires a user and password or an API token', 'AuthRequired'],
    [traceback('RuntimeError: something odd happened'), 'ServerError'],
  ] as const) {
    it(`${code}: ${text.split('\n').filter(Boolean).pop()}`, () => {
      assert.equal(classifyConsoleFailure(text).code, code);
    });
  }

  it('reads the words, not the traceback frames: a function named login does not make a refused connection a refused password', () => {
    const r = classifyConsoleFailure(traceback('ConnectionRefusedError: [Errno 111] Connection refused'));
    assert.equal(r.code, 'Unreachable');
    assert.equal(r.words, 'ConnectionRefusedError: [Errno 111] Connection refused');
  });

  it('reads JSON of any indentation, and JSON after a banner line', () => {
    assert.deepEqual(parseConsoleOutput('[\n {\n  "a": 1\n }\n]\n'), { ok: true, value: [{ a: 1 }] });
    assert.deepEqual(parseConsoleOutput('Connected to jetstream at h:8886\n{"x": null}'), { ok: true, value: { x: null } });
    assert.deepEqual(parseConsoleOutput(''), { ok: true, value: null });
    assert.deepEqual(parseConsoleOutput('null\n'), { ok: true, value: null });
    assert.equal(parseConsoleOutput('{"cut": ').ok, false);
  });
});

describe('secrets a server echoes', () => {
  const redact = redactor({ user: 'jo', password: 'hunter2!', token: undefined });

  it('replaces the password, user:password and its Basic form', () => {
    const basic = Buffer.from('jo:hunter2!').toString('base64');
    const text = `Login failed for jo with password 'hunter2!' (jo:hunter2!, Basic ${basic}, url-encoded hunter2%21)`;
    const out = redact(text);
    assert.ok(!out.includes('hunter2'), out);
    assert.ok(!out.includes(basic), out);
    assert.match(out, /Login failed for jo with password '\*\*\*'/);
  });

  it('replaces a token', () => {
    assert.equal(redactor({ token: 'tok-AbC123' })('token tok-AbC123 expired'), 'token *** expired');
  });

  it('leaves text alone when there is no secret', () => {
    assert.equal(redactor({})('nothing to hide'), 'nothing to hide');
  });

  it('keeps the secret out of the error built from a server message', () => {
    const e = protocolError('ServerError', "bad password 'hunter2!'", { server: 'lab', command: 'getServerInfo', redact });
    assert.ok(!e.message.includes('hunter2') && !e.details.serverMessage!.includes('hunter2'), e.message);
  });
});
