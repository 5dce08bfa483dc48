/**
 * "Start Demo Server": runs the embedded JetStream simulator in a child process on a free loopback
 * port, so a new user sees live destinations in one click. It lives as long as the window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

export class DemoServer implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private url: string | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get running(): string | undefined {
    return this.url;
  }

  /** Starts the simulator (once) and resolves with its URL. */
  async start(): Promise<string> {
    if (this.url && this.child?.exitCode === null) return this.url;
    const script = path.join(this.extensionPath, 'dist', 'sim.js');
    const child = fork(script, ['--port', '0', '--host', '127.0.0.1', '--no-auth', '--destinations', '12', '--seed', '7'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.url = await new Promise<string>((resolve, reject) => {
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
      child.stderr!.on('data', (chunk: Buffer) => this.log.warn(`demo server: ${chunk.toString().trim()}`));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(vscode.l10n.t('the simulator exited with code {0}', String(code))));
      });
    });
    child.once('exit', () => {
      this.url = undefined;
      this.child = undefined;
    });
    this.log.info(`demo server listening on ${this.url}`);
    return this.url;
  }

  dispose(): void {
    this.child?.kill();
    this.child = undefined;
  }
}
