/**
 * Child processes the transports run (the console per call, the Python bridge per server): in a
 * session of their own, so that a console asking for a password finds no terminal to wait on, and
 * so that everything they start can be killed together, also when the executable is a launcher
 * script that runs the real program as its own child.
 */
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';

export function spawnGroup(
  executable: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin: 'ignore' | 'pipe',
): ChildProcessWithoutNullStreams {
  const windows = process.platform === 'win32';
  const options: SpawnOptions = {
    env,
    shell: false,
    stdio: [stdin, 'pipe', 'pipe'],
    // setsid() on POSIX: a new session without a controlling terminal, and a process group to kill.
    detached: !windows,
    windowsHide: true,
  };
  return spawn(executable, args, options) as ChildProcessWithoutNullStreams;
}

/** Kills the child and every process of its group; quiet when they are gone already. */
export function killGroup(child: { pid?: number | undefined; kill(signal?: NodeJS.Signals): boolean }): void {
  if (child.pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** The environment for a child: the extension host's, without any JetStream secret it may carry. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^JETSTREAM_API_/.test(k)) delete env[k];
  return env;
}
