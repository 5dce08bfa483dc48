/**
 * A JetStreamClient over a transport that answers from the test, in the order the test chooses: for
 * races (an answer held back until after an edit) and failures (a connection dropped after the
 * server applied a write) that a real server cannot be made to produce on cue.
 */
import { JetStreamClient } from '../../src/api/client';
import type { Params, Transport } from '../../src/api/transport';

export type Handler = (command: string, params: Params) => unknown;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A client whose every call goes to `handler`; `calls` lists the commands sent, in order. */
export function stubClient(handler: Handler, name = 'lab'): { client: JetStreamClient; calls: string[] } {
  const calls: string[] = [];
  const transport: Transport = {
    endpoint: 'stub',
    call: async (command, params) => {
      calls.push(command);
      return handler(command, params);
    },
    sentAs: (command) => command,
    close: async () => undefined,
  };
  return { client: new JetStreamClient(name, transport), calls };
}
