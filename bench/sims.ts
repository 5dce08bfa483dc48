/** Simulators for the benchmark, each in a process of its own so its work is not counted as the extension's. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Sim {
  url: string;
  proc: ChildProcess;
}

/** Simulators still running: killed however the benchmark ends. */
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((p) => p.kill()));

export function startSim(n: number, options: { tickMs?: number; users?: string } = {}): Promise<Sim> {
  const args = [
    path.join(__dirname, 'sim.js'),
    '--port',
    '0',
    '--destinations',
    String(n),
    '--seed',
    '1',
    '--tick-ms',
    String(options.tickMs ?? 0),
  ];
  if (options.users) args.push('--users', options.users);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, proc });
    });
    running.add(proc);
    proc.on('exit', (code) => {
      running.delete(proc);
      reject(new Error(`simulator exited with ${code}`));
    });
  });
}

export function stopSim(sim: Sim): void {
  sim.proc.kill();
}
