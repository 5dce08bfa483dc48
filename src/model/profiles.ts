/**
 * Server profiles as stored in the `jetstream.servers` setting. Secrets never live here: a profile
 * names a user, and its password or API token lives in SecretStorage under the profile's name.
 */
import * as z from 'zod';
import type { ClientEndpoint } from '../api/client';
import { describeIssue } from '../api/issues';
import { l10n } from '../api/l10n';

/**
 * The vendor's API control port, where a cli or python profile connects when it names none. Not a
 * schema default: the parsed profile is written back to settings, which would then gain a port.
 */
export const DEFAULT_API_PORT = 8886;

export const ServerProfile = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1, { error: () => l10n.t('a server needs a name') })
      .max(100, { error: () => l10n.t('a server name is at most {0} characters', 100) }),
    transport: z.enum(['http', 'cli', 'python']).default('http'),
    url: z
      .string()
      .url({ error: () => l10n.t('not a URL') })
      .refine((u) => /^https?:\/\//i.test(u), { error: () => l10n.t('the URL must start with http:// or https://') })
      .optional(),
    host: z.string().min(1).optional(),
    /** The API control port; DEFAULT_API_PORT when left out (see portOf). */
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).optional(),
    superuser: z.boolean().default(false),
    ca: z.string().min(1).optional(),
    consolePath: z.string().min(1).optional(),
    pythonPath: z.string().min(1).optional(),
    pythonLibraryPath: z.string().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.transport === 'http' && !p.url) ctx.addIssue({ code: 'custom', path: ['url'], message: l10n.t('an http server needs a "url"') });
    if (p.transport !== 'http' && !p.host)
      ctx.addIssue({ code: 'custom', path: ['host'], message: l10n.t('a {0} server needs a "host"', p.transport) });
  });
export type ServerProfile = z.infer<typeof ServerProfile>;

/** The answers of the Add Server / Edit Server steps so far: the transport is always chosen. */
export type ProfileAnswers = Partial<ServerProfile> & { transport: ServerProfile['transport'] };

/** The profile the Add Server / Edit Server answers make, or which field is wrong, in words. */
export function profileFromAnswers(answers: ProfileAnswers): { profile: ServerProfile } | { error: string } {
  // Fields of another transport do not stay behind when the transport changed.
  const { url, host, port, consolePath, pythonPath, pythonLibraryPath, ...common } = answers;
  const specific =
    answers.transport === 'http'
      ? { url }
      : answers.transport === 'cli'
        ? { host, port, consolePath }
        : { host, port, pythonPath, pythonLibraryPath };
  const raw = Object.fromEntries(Object.entries({ ...common, ...specific }).filter(([, v]) => v !== undefined));
  const parsed = ServerProfile.safeParse(raw);
  return parsed.success ? { profile: parsed.data } : { error: l10n.t('The server was not saved: {0}.', describeIssue(parsed.error, raw)) };
}

/** A setting entry that could not be read: kept to be shown, never dropped silently. */
export interface InvalidProfile {
  name: string;
  index: number;
  problem: string;
}

export interface ParsedProfiles {
  profiles: ServerProfile[];
  invalid: InvalidProfile[];
}

/** Reads the raw setting: every valid profile, and a readable problem for each one that is not. */
export function parseProfiles(raw: unknown): ParsedProfiles {
  const profiles: ServerProfile[] = [];
  const invalid: InvalidProfile[] = [];
  if (!Array.isArray(raw))
    return {
      profiles,
      invalid: raw == null ? [] : [{ name: 'jetstream.servers', index: -1, problem: 'the setting must be a list of server profiles' }],
    };
  const seen = new Set<string>();
  raw.forEach((entry, index) => {
    const name = typeof (entry as { name?: unknown })?.name === 'string' ? (entry as { name: string }).name : `server ${index + 1}`;
    const parsed = ServerProfile.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      invalid.push({ name, index, problem: `${issue?.path.length ? `"${issue.path.join('.')}": ` : ''}${issue?.message ?? 'invalid'}` });
    } else if (seen.has(parsed.data.name)) {
      invalid.push({ name, index, problem: 'another server has the same name' });
    } else {
      seen.add(parsed.data.name);
      profiles.push(parsed.data);
    }
  });
  return { profiles, invalid };
}

export interface Secret {
  password?: string | undefined;
  token?: string | undefined;
}

/** The API control port a profile connects to. */
export function portOf(profile: Pick<ServerProfile, 'port'>): number {
  return profile.port ?? DEFAULT_API_PORT;
}

/** What the client needs to reach a profile's server, with its secret and CA text resolved. */
export function clientEndpoint(profile: ServerProfile, secret: Secret, caText?: string): ClientEndpoint {
  const common = { name: profile.name, user: profile.user, superuser: profile.superuser, password: secret.password, token: secret.token };
  const where = { host: profile.host ?? 'localhost', port: portOf(profile) };
  switch (profile.transport) {
    case 'cli':
      return { transport: 'cli', ...common, ...where, consolePath: profile.consolePath };
    case 'python':
      return { transport: 'python', ...common, ...where, pythonPath: profile.pythonPath, pythonLibraryPath: profile.pythonLibraryPath };
    default:
      return { transport: 'http', ...common, url: profile.url!, ca: caText };
  }
}

/** Whether a profile signs in at all: a profile without a user talks to a server that needs none. */
export function needsSecret(profile: ServerProfile): boolean {
  return profile.user !== undefined;
}

/**
 * Facts about a server its row states: its transport cannot give the superuser view, the server
 * refused it, or it is the embedded demo and not running.
 */
export type ProfileNotice = 'consoleSuperuser' | 'superuserRefused' | 'demoStopped';

export function profileNotices(profile: ServerProfile): ProfileNotice[] {
  // Elevation is a call inside a session (superuser()); a console process per call has none to elevate.
  return profile.transport === 'cli' && profile.superuser ? ['consoleSuperuser'] : [];
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** An http:// profile with a user, to a host that is not this machine: its password or token travels readable. */
export function sendsCredentialsInClear(profile: ServerProfile): boolean {
  if (profile.transport !== 'http' || !profile.url || !profile.user) return false;
  try {
    const url = new URL(profile.url);
    return url.protocol === 'http:' && !LOOPBACK.test(url.hostname);
  } catch {
    return false;
  }
}
