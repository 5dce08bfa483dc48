/** Simulators for a node test file: started with manual snapshots unless told otherwise, all closed after the file. */
import { after } from 'node:test';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim/server';

const running: Simulator[] = [];
after(() => Promise.all(running.map((s) => s.close())));

export async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ tickMs: 0, ...options });
  running.push(sim);
  return sim;
}
