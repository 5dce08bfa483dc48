/**
 * "Start Demo Server": runs the embedded JetStream simulator in a child process on a loopback port, so
 * a new user sees live destinations in one click. It lives as long as the window; started again after
 * a reload, it takes the port it had, so the Demo profile points at it without being changed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

export class DemoServer implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private starting: Promise<string> | undefined;
  private readonly emitter = new vscode.EventEmitter<boolean>();
  /** The demo started or stopped. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get running(): boolean {
    return !!this.child;
  }

  /** Starts the simulator once and resolves with its URL; concurrent calls share one start. */
  start(preferredPort = 0): Promise<string> {
    this.starting ??= this.spawn(preferredPort)
      .catch((e: unknown) => (preferredPort ? this.spawn(0) : Promise.reject(e)))
      .catch((e: unknown) => {
        this.starting = undefined;
        throw e;
      });
    return this.starting;
  }

  private async spawn(port: number): Promise<string> {
    const script = path.join(this.extensionPath, 'dist', 'sim.js');
    const child = fork(script, ['--port', String(port), '--host', '127.0.0.1', '--no-auth', '--destinations', '12', '--seed', '7'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stderr!.on('data', (chunk: Buffer) => this.log.warn(`demo server: ${chunk.toString().trim()}`));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(vscode.l10n.t('the simulator did not start within 15 s'))), 15_000);
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(vscode.l10n.t('the simulator exited with code {0}', String(code))));
        });
      });
      this.child = child;
      child.once('exit', () => {
        if (this.child !== child) return;
        this.child = undefined;
        this.starting = undefined;
        this.emitter.fire(false);
      });
      this.log.info(`demo server listening on ${url}`);
      this.emitter.fire(true);
      return url;
    } catch (e) {
      child.kill();
      throw e;
    }
  }

  dispose(): void {
    this.child?.kill();
    this.child = undefined;
    this.emitter.dispose();
  }
}
