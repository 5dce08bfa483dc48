/**
 * The main thread's end of the engine: starts the worker, carries requests and their replies, and
 * treats the worker crashing as a fault like any other: it is started again with backoff, and the
 * owner is told, so the tree keeps its last rows and says what happened.
 */
import { Worker } from 'node:worker_threads';
import { JetStreamError } from '../../api/errors';
import { l10n } from '../../api/l10n';
import type { Secret } from '../profiles';
import type { Delta, EngineStart, FromEngine, Operation, OperationResults, ToEngine, WireError } from './protocol';

export interface LinkHandlers {
  delta(d: Delta): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  secret(server: string): Promise<Secret | undefined>;
  /** The worker stopped; it starts again after `restartInMs`. */
  stopped(reason: string, restartInMs: number): void;
  /** A new worker is up: it knows nothing yet (profiles, polling, panels must be sent again). */
  started(): void;
}

export const MAX_RESTART_MS = 30_000;

/**
 * The engine stopped (it crashed, or the extension is shutting down) while a request was in flight: the
 * request may have been carried out all the same. A request refused because no engine is running is a
 * plain JetStreamError: it was never handed over.
 */
export class EngineStopped extends JetStreamError {}

export function toJetStreamError(e: WireError): JetStreamError {
  return new JetStreamError(e.code, e.message, {
    serverMessage: e.serverMessage,
    credential: e.credential,
    status: e.status,
    exitCode: e.exitCode,
  });
}

export class EngineLink {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private requests = 0;
  private restartMs = 1000;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private startedAt = 0;

  constructor(
    private readonly script: string,
    /** The translated strings of VS Code's language (vscode.l10n.bundle), undefined for English. */
    private readonly bundle: Readonly<Record<string, string>> | undefined,
    private readonly on: LinkHandlers,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    const worker = new Worker(this.script, { workerData: { bundle: this.bundle } satisfies EngineStart });
    this.worker = worker;
    worker.on('message', (m: FromEngine) => this.receive(worker, m));
    worker.on('error', (e) => this.stop(worker, l10n.t('it failed: {0}', e.message)));
    worker.on('exit', (code) => this.stop(worker, l10n.t('it exited with code {0}', code)));
    this.on.started();
  }

  send(m: ToEngine): void {
    this.worker?.postMessage(m);
  }

  request<K extends Operation['op']>(operation: Extract<Operation, { op: K }>): Promise<OperationResults[K]> {
    if (!this.worker)
      return Promise.reject(
        new JetStreamError('Internal', l10n.t('The background engine of this extension is restarting; try again in a moment.')),
      );
    const id = ++this.requests;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type: 'request', id, operation });
    });
  }

  private receive(worker: Worker, m: FromEngine): void {
    if (worker !== this.worker) return;
    switch (m.type) {
      case 'delta':
        return this.on.delta(m);
      case 'log':
        return this.on.log(m.level, m.message);
      case 'needSecret':
        void this.on.secret(m.server).then(
          (secret) => this.send({ type: 'secret', id: m.id, secret }),
          () => this.send({ type: 'secret', id: m.id, secret: undefined }),
        );
        return;
      case 'reply': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(toJetStreamError(m.error));
      }
    }
  }

  private stop(worker: Worker, reason: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    void worker.terminate();
    for (const p of this.pending.values())
      p.reject(new EngineStopped('Internal', l10n.t('The background engine of this extension stopped ({0}).', reason)));
    this.pending.clear();
    if (this.disposed) return;
    // A worker that ran a minute without failing earns a quick restart.
    if (Date.now() - this.startedAt > 60_000) this.restartMs = 1000;
    const wait = this.restartMs;
    this.restartMs = Math.min(this.restartMs * 2, MAX_RESTART_MS);
    this.on.stopped(reason, wait);
    this.restartTimer = setTimeout(() => this.start(), wait);
  }

  /** Stops the worker as a crash would: for the fault suite. */
  terminateForTest(): Promise<number> | undefined {
    return this.worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    for (const p of this.pending.values()) p.reject(new EngineStopped('Aborted', l10n.t('The extension is shutting down.')));
    this.pending.clear();
  }
}
