/**
 * The vendor console command that does what an action does, as the `cli` transport would run it
 * (`jetstream api --host H --api-control-port P --user U <command> --name=value …`), quoted for the
 * user's shell. It never holds a secret: the console reads the password from JETSTREAM_API_PASSWORD.
 */
import { consoleArgs } from '../api/cliTransport';
import { bareName, type Params } from '../api/transport';
import { DEFAULT_API_PORT, portOf, type ServerProfile } from './profiles';

export type Shell = 'posix' | 'powershell';

/** The shell a copied command is for: PowerShell on Windows (VS Code's default terminal there), else a POSIX shell. */
export const defaultShell = (platform: string): Shell => (platform === 'win32' ? 'powershell' : 'posix');

const SAFE = /^[\w@%+=:,./-]+$/;

function quote(word: string, shell: Shell): string {
  if (SAFE.test(word)) return word;
  return shell === 'posix' ? `'${word.replace(/'/g, `'\\''`)}'` : `'${word.replace(/'/g, "''")}'`;
}

/** Where a profile's console would connect: its host and port, or for an http profile its URL's host on the default port. */
function endpointOf(profile: ServerProfile): { host: string; port: number } {
  if (profile.transport !== 'http') return { host: profile.host ?? 'localhost', port: portOf(profile) };
  try {
    return { host: new URL(profile.url ?? '').hostname || 'localhost', port: DEFAULT_API_PORT };
  } catch {
    return { host: 'localhost', port: DEFAULT_API_PORT };
  }
}

export function consoleCommand(profile: ServerProfile, command: string, params: Params, shell: Shell): string {
  const { host, port } = endpointOf(profile);
  const executable = profile.transport === 'cli' && profile.consolePath ? profile.consolePath : 'jetstream';
  const args = consoleArgs({ name: profile.name, host, port, user: profile.user }, bareName(command), params);
  const words = [quote(executable, shell), ...args.map((a) => quote(a, shell))];
  // PowerShell runs a quoted path only through its call operator.
  return shell === 'powershell' && words[0]!.startsWith("'") ? `& ${words.join(' ')}` : words.join(' ');
}
