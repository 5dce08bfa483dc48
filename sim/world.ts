/**
 * The simulated JetStream server's state, without HTTP: users and API tokens, destinations and their
 * connections, the snapshot clock, fault settings, and the commands of PROTOCOL.md applied to them.
 * Every command runs synchronously on this state, so each request is atomic: Node runs one at a time,
 * and concurrent writes of different userData keys never lose one another.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import * as z from 'zod';
import { Destination, type ErrorCode, PriorityLanes, type TextUserData } from '../src/api/schemas';
import { CreateDestinationParams, UserDataInput, UserDataKey } from '../src/api/inputSchemas';
import { issueText } from '../src/api/issues';

export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  InvalidRequest: 400,
  InvalidParameter: 400,
  AuthRequired: 401,
  AuthFailed: 401,
  PermissionDenied: 403,
  NotFound: 404,
  UnknownCommand: 404,
  PayloadTooLarge: 413,
  ServerError: 500,
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A result already encoded as JSON (from the cached destinations); the server sends these bytes as they are. */
export class RawJson {
  constructor(readonly json: Buffer) {}
}

const BUILTIN_USERS: User[] = [
  { name: 'demo', password: 'demo', superuser: false },
  { name: 'bob', password: 'bob', superuser: false },
  { name: 'admin', password: 'admin', superuser: true },
];

/** The users file: users replace built-in ones of the same name; `builtinUsers: false` drops demo, bob and admin. */
export const UsersFile = z
  .strictObject({
    builtinUsers: z.boolean().default(true),
    users: z.array(z.strictObject({ name: z.string().min(1), password: z.string(), superuser: z.boolean().default(false) })).default([]),
    tokens: z
      .array(
        z.strictObject({
          token: z.string().min(1),
          user: z.string().min(1),
          session: z.string().optional(),
          expiresAt: z.number().int().nullable().optional(),
        }),
      )
      .default([]),
  })
  .superRefine((file, ctx) => {
    const names = new Set([...(file.builtinUsers ? BUILTIN_USERS : []), ...file.users].map((u) => u.name));
    file.tokens.forEach((t, i) => {
      if (!names.has(t.user)) ctx.addIssue({ code: 'custom', path: ['tokens', i, 'user'], message: `no user named '${t.user}'` });
    });
  });
export type UsersFile = z.input<typeof UsersFile>;

const Rate = z.number().min(0).max(1);
/** Faults the server injects into the answers of every command except `sim.*` (see server.ts). */
export const Faults = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000),
  errorRate: Rate,
  resetRate: Rate,
  truncateRate: Rate,
  schemaRate: Rate,
  hugeBodyBytes: z
    .number()
    .int()
    .min(0)
    .max(256 * 2 ** 20),
  /** Only these commands suffer the faults (all of them when empty): a lost answer to one write, say. */
  only: z.array(z.string().min(1)).max(100),
});
export type Faults = z.infer<typeof Faults>;

export interface WorldOptions {
  /** Seeds every random choice: the same seed and the same calls give the same destinations. Default 1. */
  seed?: number | string;
  /** How many destinations to generate when no state file exists yet. */
  destinations?: number;
  users?: UsersFile;
  /** Every caller acts as the user "anonymous", who sees every destination and may use `sim.*`. */
  noAuth?: boolean;
  /** Destinations, tokens and serverUid are kept in this JSON file across restarts. */
  stateFile?: string;
  stateDebounceMs?: number;
  faults?: Partial<Faults>;
  serverName?: string;
  /** The clock, in integer microseconds since the epoch; tests pin it for determinism. */
  now?: () => number;
}

/** A password or an API token: what a credential check (a Basic or Bearer header, the `auth` command) verifies. */
type PasswordOrToken = { user: string; password: string } | { token: string };

/** What the server parsed from the Authorization header. */
export type Credentials = PasswordOrToken | { session: string } | { invalid: string } | null;

export interface Caller {
  user: string;
  /** The user is a superuser (may use `sim.*` commands). */
  superuser: boolean;
  /** The superuser view was asked for (header `JetStream-Superuser: true`), or the server has no auth. */
  seesAll: boolean;
  token: Token | null;
  /** The session the caller signed in with (`Authorization: Session <id>`), if any. */
  session: Session | null;
}

/** Credential statistics, so that tests can count logins (see sim.getStats). */
export interface Stats {
  /** Checks of a password or token per user name: an unknown token's under UNKNOWN_TOKEN. */
  credentialAttempts: Record<string, { ok: number; failed: number }>;
  /** Sessions opened by `auth`. */
  sessions: number;
  /** Requests for commands other than `sim.*`. */
  requests: number;
}
const UNKNOWN_TOKEN = '(unknown token)';

/** One login through the `auth` command: later requests name it instead of sending a password again. */
interface Session {
  user: string;
  token: Token | null;
  /** `superuser` was called on it: its calls see every owner's destinations. */
  elevated: boolean;
}

interface User {
  name: string;
  password: string;
  superuser: boolean;
}

interface Token {
  /** Recorded on objects as ownerToken; the secret itself never is. */
  id: string;
  secret: string;
  user: string;
  session: string;
  expiresAt: number | null;
}

/**
 * The Destination structure without snapshotTime, which is one value per snapshot and appended when sent.
 * The client reads any plausible server leniently; this simulator is one definite server: text ids,
 * text userData, lanes as proportions.
 */
const DestinationRecord = z
  .object({
    ...Destination.shape,
    destinationId: z.string().min(1),
    connectionId: z.string().nullable(),
    lastDestinationServerId: z.string().nullable(),
    lastDestinationServerUid: z.string().nullable(),
    lastError: z.string().nullable().optional(),
    priorityLanes: PriorityLanes.nullable().optional(),
    userData: z.record(z.string(), z.string()).optional(),
  })
  .omit({ snapshotTime: true });
type DestinationData = z.infer<typeof DestinationRecord>;

interface Rec {
  d: DestinationData;
  kind: AddressKind;
  relayAddress: string | null;
  /** The configured senderPort; 0 = dynamic, chosen when connecting. */
  senderPort: number;
  baseRttMs: number;
  /** Snapshots since creation or since the last restart: drives the connection state machine. */
  age: number;
  establishedTime: number | null;
  /** Cached UTF-8 JSON of `d` without its closing brace; undefined when `d` changed. */
  json: Buffer | undefined;
}

const SavedState = z.object({
  serverUid: z.string(),
  destinations: z.array(
    z.object({
      destination: DestinationRecord,
      relayAddress: z.string().nullable(),
      senderPort: z.number().int(),
      baseRttMs: z.number(),
    }),
  ),
  tokens: z.array(z.object({ token: z.string(), user: z.string(), session: z.string(), expiresAt: z.number().nullable() })),
});

/**
 * Address rule for failures, so that tests and demos ask for them by name: a name ending in `.invalid`
 * or containing `unresolvable` fails with HostNotFound, one containing `unreachable` times out.
 */
type AddressKind = 'ok' | 'hostNotFound' | 'timedOut';
function classify(address: string): AddressKind {
  const a = address.toLowerCase().replace(/\.$/, '');
  if (a.endsWith('.invalid') || a.includes('unresolvable')) return 'hostNotFound';
  return a.includes('unreachable') ? 'timedOut' : 'ok';
}
const FAILURES = {
  hostNotFound: {
    atAge: 2,
    code: 'HostNotFound',
    message: (d: DestinationData) => `Could not resolve host name '${d.destinationAddress}'`,
  },
  timedOut: {
    atAge: 4,
    code: 'ConnectionTimedOut',
    message: (d: DestinationData) => `No answer from ${d.destinationAddress}:${d.destinationPort} within 3 seconds`,
  },
} as const;

const SENDER_IP = '192.0.2.10';
const DEFAULT_PORT = 8886;
const DEFAULT_RELAY_PORT = 8887;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const tokenId = (secret: string): string => `tok_${sha256(secret).slice(0, 16)}`;
const identityKey = (owner: string, address: string, port: number): string => `${owner}\n${address.toLowerCase()}\n${port}`;
const wallClockMicros = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

/** A stand-in for DNS: IP literals resolve to themselves, names to a stable address in 10/8. */
function resolve(host: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')) return host;
  const h = fnv1a(host.toLowerCase());
  return `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${h & 255 || 1}`;
}

function invalidParameter(error: z.ZodError): ApiError {
  const parts = error.issues.map((issue) => {
    const { path: at, message } = issueText(issue);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `unknown parameter '${at ? `${at}.` : ''}${k}'`).join('; ');
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `missing parameter '${at}'`;
    return `parameter '${at}': ${message}`;
  });
  return new ApiError('InvalidParameter', parts.join('; '));
}

interface Command {
  params: z.ZodType;
  access: 'public' | 'user' | 'control';
  run(caller: Caller, params: unknown): unknown;
}
function command<S extends z.ZodType>(
  params: S,
  run: (caller: Caller, params: z.output<S>) => unknown,
  access: Command['access'] = 'user',
): Command {
  return { params, access, run: (caller, p) => run(caller, p as z.output<S>) };
}

const None = z.strictObject({});
const AuthParams = z
  .strictObject({ user: z.string().min(1).optional(), password: z.string().optional(), token: z.string().min(1).optional() })
  .superRefine((p, ctx) => {
    if (p.token !== undefined && (p.user !== undefined || p.password !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: "give either 'user' and 'password' or 'token'" });
    } else if (p.token === undefined) {
      if (p.user === undefined) ctx.addIssue({ code: 'custom', path: ['user'], message: "required (or give 'token')" });
      if (p.password === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: "required with 'user'" });
    }
  })
  .transform((p): PasswordOrToken => (p.token !== undefined ? { token: p.token } : { user: p.user ?? '', password: p.password ?? '' }));
const DestinationIdParams = z.strictObject({ destinationId: z.string().min(1) });

export class World {
  readonly authRequired: boolean;
  serverId = randomUUID();
  readonly serverUid: string;
  readonly publicKey: string;
  faults: Faults = { latencyMs: 0, errorRate: 0, resetRate: 0, truncateRate: 0, schemaRate: 0, hugeBodyBytes: 0, only: [] };
  snapshotTime: number;
  ticks = 0;

  private readonly rng: () => number;
  private readonly faultRng: () => number;
  private readonly now: () => number;
  private readonly users = new Map<string, User>();
  private readonly tokens = new Map<string, Token>(); // by secret
  private readonly destinations = new Map<string, Rec>(); // by destinationId, in creation order
  private readonly byIdentity = new Map<string, Rec>(); // owner + address + port: idempotent create
  private readonly connections = new Map<string, Rec>(); // by connectionId
  private readonly sessions = new Map<string, Session>(); // by session id
  private readonly attempts = new Map<string, { ok: number; failed: number }>(); // by user name
  private sessionsOpened = 0;
  private requests = 0;
  private readonly commands: ReadonlyMap<string, Command>;
  private readonly serverName: string;
  private readonly stateFile: string | undefined;
  private readonly stateDebounceMs: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(options: WorldOptions = {}) {
    const seed = typeof options.seed === 'string' ? fnv1a(options.seed) : (options.seed ?? 1);
    this.rng = mulberry32(seed);
    this.faultRng = mulberry32(seed ^ 0x9e3779b9);
    this.now = options.now ?? wallClockMicros;
    this.snapshotTime = this.now();
    this.authRequired = !options.noAuth;
    this.serverName = options.serverName ?? 'JetStream Simulator';
    this.publicKey = Buffer.from(Array.from({ length: 32 }, () => Math.floor(this.rng() * 256))).toString('base64');
    this.stateFile = options.stateFile;
    this.stateDebounceMs = options.stateDebounceMs ?? 250;
    this.setFaults(options.faults ?? {});
    this.commands = this.defineCommands();

    const usersFile = UsersFile.parse(options.users ?? {});
    for (const u of [...(usersFile.builtinUsers ? BUILTIN_USERS : []), ...usersFile.users]) this.users.set(u.name, { ...u });
    for (const t of usersFile.tokens) {
      this.addToken(t.token, t.user, t.session ?? randomUUID(), t.expiresAt ?? null);
    }

    const saved = this.stateFile && existsSync(this.stateFile) ? this.load(this.stateFile) : undefined;
    this.serverUid = saved?.serverUid ?? `uid-${sha256(`serverUid:${seed}`).slice(0, 32)}`;
    if (!saved) this.seed(options.destinations ?? 0);
  }

  /** Runs one command for the holder of `credentials`. Throws ApiError for every refusal. */
  handle(command: string, params: Record<string, unknown>, credentials: Credentials, wantsSuperuser: boolean): unknown {
    const cmd = this.commands.get(command);
    if (!cmd) throw new ApiError('UnknownCommand', `Unknown command '${command}'`);
    // Control commands are the test harness's own: like faults, credential statistics leave them out.
    const caller = cmd.access === 'public' ? null : this.authenticate(credentials, wantsSuperuser, cmd.access !== 'control');
    if (cmd.access === 'control' && !caller?.superuser) {
      throw new ApiError('PermissionDenied', `'${command}' is a simulator control command for superusers only`);
    }
    const parsed = cmd.params.safeParse(params);
    if (!parsed.success) throw invalidParameter(parsed.error);
    return cmd.run(caller ?? { user: 'anonymous', superuser: false, seesAll: false, token: null, session: null }, parsed.data);
  }

  /** Counts one request for a command other than `sim.*` (the server calls it before faults, so injected failures count too). */
  countRequest(): void {
    this.requests++;
  }

  /** Takes the next snapshot: the clock moves, connections progress, connected destinations transfer. */
  tick(): void {
    this.ticks++;
    this.snapshotTime = Math.max(this.now(), this.snapshotTime);
    for (const rec of this.destinations.values()) {
      rec.age++;
      if (this.step(rec)) rec.json = undefined;
    }
  }

  /** A fault happens with probability `rate`, drawn from its own sequence so that faults do not disturb the destinations. */
  rollFault(rate: number): boolean {
    return rate > 0 && this.faultRng() < rate;
  }

  setFaults(faults: Partial<Faults>): Faults {
    this.faults = Faults.parse({ ...this.faults, ...faults });
    return this.faults;
  }

  /** Writes a pending state change now; resolves when the file is on disk. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.save();
    }
    await this.saving;
  }

  serverInfo() {
    return {
      apiVersion: 40,
      version: '2.9.2',
      serverName: this.serverName,
      hostName: hostname(),
      serverId: this.serverId,
      serverUid: this.serverUid,
      authRequired: this.authRequired,
      allowRemoteControl: true,
      encryptionAvailable: true,
      APITokensAvailable: true,
      publicKey: this.publicKey,
    };
  }

  private defineCommands(): Map<string, Command> {
    return new Map<string, Command>([
      ['getServerInfo', command(None, () => this.serverInfo(), 'public')],
      ['auth', command(AuthParams, (_, p) => this.signIn(p), 'public')],
      ['superuser', command(None, (c) => this.elevate(c))],
      ['createAPIToken', command(None, (c) => this.createAPIToken(c))],
      ['send.getDestinations', command(None, (c) => this.destinationsJson(c))],
      ['send.getDestination', command(DestinationIdParams, (c, p) => this.json(this.visible(c, p.destinationId)))],
      ['send.createDestination', command(CreateDestinationParams, (c, p) => this.json(this.createDestination(c, p)))],
      ['send.deleteDestination', command(DestinationIdParams, (c, p) => this.deleteDestination(c, p.destinationId))],
      ['send.getConnections', command(None, (c) => this.connectionsOf(c))],
      ['send.getConnection', command(z.strictObject({ connectionId: z.string().min(1) }), (c, p) => this.connection(c, p.connectionId))],
      [
        'send.updateObjectUserData',
        command(z.strictObject({ objectId: z.string().min(1), userData: UserDataInput }), (c, p) =>
          this.changeUserData(c, p.objectId, (u) => Object.assign(u, p.userData)),
        ),
      ],
      [
        'send.deleteObjectUserData',
        command(z.strictObject({ objectId: z.string().min(1), keys: z.array(UserDataKey) }), (c, p) =>
          this.changeUserData(c, p.objectId, (u) => p.keys.forEach((k) => delete u[k])),
        ),
      ],
      [
        'sim.tick',
        command(
          z.strictObject({ count: z.number().int().min(1).max(100_000).optional() }),
          (_, p) => this.simTick(p.count ?? 1),
          'control',
        ),
      ],
      ['sim.restart', command(None, () => this.restart(), 'control')],
      ['sim.getFaults', command(None, () => this.faults, 'control')],
      ['sim.setFaults', command(Faults.partial(), (_, p) => this.setFaults(p), 'control')],
      [
        'sim.setPassword',
        command(
          z.strictObject({ user: z.string().min(1), password: z.string() }),
          (_, p) => this.setPassword(p.user, p.password),
          'control',
        ),
      ],
      ['sim.expireToken', command(z.strictObject({ token: z.string().min(1) }), (_, p) => this.expireToken(p.token), 'control')],
      ['sim.getStats', command(None, () => this.stats(), 'control')],
      ['sim.resetStats', command(None, () => this.resetStats(), 'control')],
      ['sim.dropSessions', command(None, () => this.dropSessions(), 'control')],
    ]);
  }

  private authenticate(credentials: Credentials, wantsSuperuser: boolean, counted: boolean): Caller {
    if (!this.authRequired) return { user: 'anonymous', superuser: true, seesAll: true, token: null, session: null };
    if (!credentials) throw new ApiError('AuthRequired', 'This server requires a user and password or an API token');
    if ('invalid' in credentials) throw new ApiError('AuthFailed', credentials.invalid);
    let login: { user: User; token: Token | null; session: Session | null };
    if ('session' in credentials) {
      // A session is one login: its requests are not checked (nor counted) again.
      const session = this.sessions.get(credentials.session);
      const user = session && this.users.get(session.user);
      if (!session || !user) throw new ApiError('AuthRequired', 'Session expired or unknown; sign in again');
      login = { user, token: session.token, session };
    } else {
      login = { ...this.check(credentials, counted), session: null };
    }
    const { user, token, session } = login;
    if (wantsSuperuser && !user.superuser) throw new ApiError('PermissionDenied', `User '${user.name}' is not a superuser`);
    return { user: user.name, superuser: user.superuser, seesAll: wantsSuperuser || (session?.elevated ?? false), token, session };
  }

  /** Checks a password or an API token; each check is one credential attempt of the user it names, when `counted`. */
  private check(credentials: PasswordOrToken, counted: boolean): { user: User; token: Token | null } {
    const login = this.verify(credentials);
    if (counted) {
      const name = 'token' in credentials ? (this.tokens.get(credentials.token)?.user ?? UNKNOWN_TOKEN) : credentials.user;
      const attempts = this.attempts.get(name) ?? { ok: 0, failed: 0 };
      attempts[login instanceof ApiError ? 'failed' : 'ok']++;
      this.attempts.set(name, attempts);
    }
    if (login instanceof ApiError) throw login;
    return login;
  }

  private verify(credentials: PasswordOrToken): { user: User; token: Token | null } | ApiError {
    if ('token' in credentials) {
      const token = this.tokens.get(credentials.token);
      if (!token) return new ApiError('AuthFailed', 'Unknown API token');
      if (token.expiresAt !== null && token.expiresAt <= this.now()) {
        return new ApiError('AuthFailed', `API token ${token.id} expired at ${new Date(token.expiresAt / 1000).toISOString()}`);
      }
      const user = this.users.get(token.user);
      return user ? { user, token } : new ApiError('AuthFailed', 'The API token belongs to a user that no longer exists');
    }
    const user = this.users.get(credentials.user);
    return user?.password === credentials.password ? { user, token: null } : new ApiError('AuthFailed', 'Wrong user name or password');
  }

  /** The `auth` command: the same check as a Basic or Bearer header, then a session that later requests name. */
  private signIn(credentials: PasswordOrToken): { session: string } {
    const caller = this.authenticate(credentials, false, true);
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, { user: caller.user, token: caller.token, elevated: false });
    this.sessionsOpened++;
    return { session: id };
  }

  /** The `superuser` command: elevates the caller's session, as the vendor's `superuser()` does. */
  private elevate(caller: Caller): null {
    if (!this.authRequired) return null; // without auth every caller sees everything already
    if (!caller.session) throw new ApiError('PermissionDenied', "'superuser' elevates a session: sign in with 'auth' first");
    if (!caller.superuser) throw new ApiError('PermissionDenied', `User '${caller.user}' is not a superuser`);
    caller.session.elevated = true;
    return null;
  }

  private createAPIToken(caller: Caller) {
    const token = this.addToken(randomBytes(24).toString('base64url'), caller.user, randomUUID(), null);
    this.changed();
    return { token: token.secret, tokenId: token.id, session: token.session };
  }

  private addToken(secret: string, user: string, session: string, expiresAt: number | null): Token {
    const token = { id: tokenId(secret), secret, user, session, expiresAt };
    this.tokens.set(secret, token);
    return token;
  }

  private sees(caller: Caller, rec: Rec): boolean {
    return caller.seesAll || rec.d.owner === caller.user;
  }

  private visible(caller: Caller, destinationId: string): Rec {
    const rec = this.destinations.get(destinationId);
    if (!rec) throw new ApiError('NotFound', `No destination with id '${destinationId}'`);
    if (!this.sees(caller, rec)) throw new ApiError('PermissionDenied', `Destination '${destinationId}' belongs to another user`);
    return rec;
  }

  /** A destination's cached JSON, open at the end so that this snapshot's time can be appended. */
  private openJson(rec: Rec): Buffer {
    return (rec.json ??= Buffer.from(JSON.stringify(rec.d).slice(0, -1)));
  }

  private snapshotSuffix(): Buffer {
    return Buffer.from(`,"snapshotTime":${this.snapshotTime}}`);
  }

  private json(rec: Rec): RawJson {
    return new RawJson(Buffer.concat([this.openJson(rec), this.snapshotSuffix()]));
  }

  /** The visible destinations: their cached bytes joined, with this snapshot's time appended to each. */
  private destinationsJson(caller: Caller): RawJson {
    const suffix = this.snapshotSuffix();
    const between = Buffer.concat([suffix, Buffer.from(',')]);
    const parts: Buffer[] = [Buffer.from('[')];
    for (const rec of this.destinations.values()) {
      if (this.sees(caller, rec)) parts.push(this.openJson(rec), between);
    }
    if (parts.length > 1) parts[parts.length - 1] = suffix;
    parts.push(Buffer.from(']'));
    return new RawJson(Buffer.concat(parts));
  }

  private createDestination(caller: Caller, p: CreateDestinationParams): Rec {
    const existing = this.byIdentity.get(identityKey(caller.user, p.destinationAddress, p.destinationPort ?? DEFAULT_PORT));
    if (existing) return existing;
    const rec = this.addDestination(caller.user, p, caller.token);
    this.changed();
    return rec;
  }

  private addDestination(owner: string, p: CreateDestinationParams, token: Token | null): Rec {
    const sendRateMax = p.sendRateMax ?? 1_000_000;
    let destinationId: string;
    do destinationId = this.hex(16);
    while (this.destinations.has(destinationId));
    const d: DestinationData = {
      connectionId: null,
      destinationAddress: p.destinationAddress,
      destinationId,
      destinationIP: null,
      destinationPort: p.destinationPort ?? DEFAULT_PORT,
      destinationPublicKey: null,
      encryptedConnectionState: 'disconnected',
      encryptionEnabled: this.rng() < 0.5,
      lastDestinationServerId: null,
      lastDestinationServerUid: null,
      lastError: null,
      lastErrorMessage: null,
      lastRecvTime: null,
      lastSendTime: null,
      numTransfersQueued: 0,
      owner,
      ownerToken: token?.id ?? null,
      ownerTokenSession: token?.session ?? null,
      permittedDestinationPublicKey: p.permittedDestinationPublicKey ?? null,
      priorityLanes: p.priorityLanes ?? {},
      relayIP: null,
      relayPort: p.relayAddress ? (p.relayPort ?? DEFAULT_RELAY_PORT) : null,
      roundTripTimeMs: null,
      senderIP: null,
      senderPort: p.senderPort || null,
      sendRateAverage: 0,
      sendRateMax,
      socketRecvBufferSize: p.socketRecvBufferSize ?? 4_194_304,
      socketSendBufferSize: p.socketSendBufferSize ?? 4_194_304,
      transferDefaults: {
        checkpointFrequencySeconds: 60,
        overwriteMode: 3,
        priority: 50,
        priorityLane: null,
        sendRateMax,
        transferFlags: 0,
        ...p.transferDefaults,
      },
      userData: { ...p.userData },
    };
    const rec: Rec = {
      d,
      kind: classify(d.destinationAddress),
      relayAddress: p.relayAddress ?? null,
      senderPort: p.senderPort ?? 0,
      baseRttMs: Math.round(5 + this.rng() * 1500) / 10,
      age: 0,
      establishedTime: null,
      json: undefined,
    };
    this.index(rec);
    return rec;
  }

  private index(rec: Rec): void {
    this.destinations.set(rec.d.destinationId, rec);
    this.byIdentity.set(identityKey(rec.d.owner ?? '', rec.d.destinationAddress, rec.d.destinationPort), rec);
  }

  private deleteDestination(caller: Caller, destinationId: string): null {
    const rec = this.visible(caller, destinationId);
    this.destinations.delete(destinationId);
    this.byIdentity.delete(identityKey(rec.d.owner ?? '', rec.d.destinationAddress, rec.d.destinationPort));
    if (rec.d.connectionId) this.connections.delete(rec.d.connectionId);
    this.changed();
    return null;
  }

  private changeUserData(caller: Caller, objectId: string, change: (userData: TextUserData) => void): TextUserData {
    const rec = this.visible(caller, objectId);
    change((rec.d.userData ??= {}));
    rec.json = undefined;
    this.changed();
    return rec.d.userData;
  }

  private connectionsOf(caller: Caller) {
    return [...this.connections.values()].filter((rec) => this.sees(caller, rec)).map((rec) => this.connectionOf(rec));
  }

  private connection(caller: Caller, connectionId: string) {
    const rec = this.connections.get(connectionId);
    if (!rec) throw new ApiError('NotFound', `No connection with id '${connectionId}'`);
    if (!this.sees(caller, rec)) throw new ApiError('PermissionDenied', `Connection '${connectionId}' belongs to another user`);
    return this.connectionOf(rec);
  }

  private connectionOf({ d, establishedTime }: Rec) {
    return {
      connectionId: d.connectionId,
      destinationId: d.destinationId,
      destinationAddress: d.destinationAddress,
      destinationPort: d.destinationPort,
      remoteIP: d.relayIP ?? d.destinationIP,
      remotePort: d.relayPort ?? d.destinationPort,
      state: d.encryptedConnectionState,
      encrypted: d.encryptionEnabled,
      roundTripTimeMs: d.roundTripTimeMs,
      sendRateAverage: d.sendRateAverage,
      establishedTime,
      snapshotTime: this.snapshotTime,
    };
  }

  /** Applies what happens to one destination at this snapshot; true when it changed. */
  private step(rec: Rec): boolean {
    const { d } = rec;
    if (rec.age === 1) {
      d.encryptedConnectionState = 'negotiating';
      d.destinationIP = rec.kind === 'hostNotFound' ? null : resolve(d.destinationAddress);
      d.relayIP = rec.relayAddress && resolve(rec.relayAddress);
      d.senderIP = SENDER_IP;
      return true;
    }
    if (rec.kind !== 'ok') {
      const failure = FAILURES[rec.kind];
      if (rec.age !== failure.atAge) return false;
      d.encryptedConnectionState = 'disconnected';
      d.lastError = failure.code;
      d.lastErrorMessage = failure.message(d);
      return true;
    }
    if (rec.age === 2) {
      d.encryptedConnectionState = 'connected';
      d.connectionId = this.hex(16);
      this.connections.set(d.connectionId, rec);
      d.senderPort = rec.senderPort || 49152 + Math.floor(this.rng() * 16384);
      d.lastDestinationServerId = this.uuid();
      d.lastDestinationServerUid = `uid-${sha256(`remote:${d.destinationAddress.toLowerCase()}`).slice(0, 32)}`;
      d.destinationPublicKey = d.encryptionEnabled ? sha256(`key:${d.destinationAddress.toLowerCase()}`) : null;
      d.roundTripTimeMs = rec.baseRttMs;
      d.lastRecvTime = this.snapshotTime;
      rec.establishedTime = this.snapshotTime;
      return true;
    }
    return d.encryptedConnectionState === 'connected' && this.transfer(rec);
  }

  /** Transfers arrive at idle destinations now and then (1 in 8 snapshots); busy ones drain and refill their queue. */
  private transfer(rec: Rec): boolean {
    const { d } = rec;
    const r = this.rng;
    if (d.numTransfersQueued === 0) {
      if (r() >= 0.125) return false;
      d.numTransfersQueued = 1 + Math.floor(r() * 5);
    } else {
      d.numTransfersQueued = Math.max(0, d.numTransfersQueued + (r() < 0.3 ? 1 : 0) - (r() < 0.5 ? 1 : 0));
    }
    const busy = d.numTransfersQueued > 0;
    d.sendRateAverage = busy ? Math.floor(d.sendRateMax * (0.5 + 0.45 * r())) : 0;
    d.roundTripTimeMs = Math.round(rec.baseRttMs * (9 + 2 * r())) / 10;
    d.lastRecvTime = Math.max(0, this.snapshotTime - Math.floor(r() * 200_000));
    if (busy) d.lastSendTime = this.snapshotTime;
    return true;
  }

  /** Back to disconnected, as after a server restart; the connection state machine starts again. */
  private disconnect(rec: Rec): void {
    const { d } = rec;
    if (d.connectionId) this.connections.delete(d.connectionId);
    Object.assign(d, {
      connectionId: null,
      destinationIP: null,
      encryptedConnectionState: 'disconnected',
      lastError: null,
      lastErrorMessage: null,
      numTransfersQueued: 0,
      relayIP: null,
      roundTripTimeMs: null,
      senderIP: null,
      senderPort: rec.senderPort || null,
      sendRateAverage: 0,
    } satisfies Partial<DestinationData>);
    rec.age = 0;
    rec.establishedTime = null;
    rec.json = undefined;
  }

  private simTick(count: number) {
    for (let i = 0; i < count; i++) this.tick();
    return { ticks: this.ticks, snapshotTime: this.snapshotTime };
  }

  private restart() {
    this.serverId = randomUUID();
    this.sessions.clear();
    for (const rec of this.destinations.values()) this.disconnect(rec);
    return this.serverInfo();
  }

  private setPassword(name: string, password: string): null {
    const user = this.users.get(name);
    if (!user) throw new ApiError('NotFound', `No user named '${name}'`);
    user.password = password;
    return null;
  }

  /** Accepts the token's secret or its id. */
  private expireToken(secretOrId: string): null {
    const token = this.tokens.get(secretOrId) ?? [...this.tokens.values()].find((t) => t.id === secretOrId);
    if (!token) throw new ApiError('NotFound', `No API token '${secretOrId}'`);
    token.expiresAt = this.now() - 1;
    this.changed();
    return null;
  }

  private stats(): Stats {
    return {
      credentialAttempts: Object.fromEntries([...this.attempts].map(([name, n]) => [name, { ...n }])),
      sessions: this.sessionsOpened,
      requests: this.requests,
    };
  }

  private resetStats(): null {
    this.attempts.clear();
    this.sessionsOpened = 0;
    this.requests = 0;
    return null;
  }

  /** Every open session ends, as when the server restarts: their next request gets AuthRequired. */
  private dropSessions(): null {
    this.sessions.clear();
    return null;
  }

  /** A version-4-shaped UUID from the seeded generator, so that remote server ids are deterministic too. */
  private uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** `digits` (a multiple of 8) random hex digits. */
  private hex(digits: number): string {
    let s = '';
    for (let i = 0; i < digits; i += 8) {
      const n = Math.floor(this.rng() * 2 ** 32);
      s += HEX_BYTES[n >>> 24]! + HEX_BYTES[(n >>> 16) & 255]! + HEX_BYTES[(n >>> 8) & 255]! + HEX_BYTES[n & 255]!;
    }
    return s;
  }

  /** Generates `count` destinations spread over owners, addresses, states, relays, lanes, userData and encryption. */
  private seed(count: number): void {
    const r = this.rng;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
    const owners = ['demo', 'bob', 'admin'];
    const sites = ['studio-a', 'studio-b', 'vfx', 'archive', 'dailies'];
    const lanes: Record<string, number>[] = [
      { urgent: 0.5, bulk: 0.5 },
      { high: 0.6, normal: 0.3, background: 0.1 },
    ];
    for (let i = 0; i < count; i++) {
      const roll = r();
      const destinationAddress =
        roll < 0.05
          ? `site-${i}.invalid`
          : roll < 0.08
            ? `unreachable-${i}.example.net`
            : roll < 0.3
              ? `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`
              : `rx-${i}.${pick(sites)}.example.com`;
      const priorityLanes = r() < 0.3 ? pick(lanes) : undefined;
      const params: CreateDestinationParams = {
        destinationAddress,
        sendRateMax: pick([100_000, 250_000, 1_000_000, 10_000_000]),
        ...(r() < 0.15 && { relayAddress: `relay-${i % 7}.example.com`, relayPort: DEFAULT_RELAY_PORT }),
        ...(priorityLanes && { priorityLanes, transferDefaults: { priorityLane: Object.keys(priorityLanes)[0]! } }),
        ...(r() < 0.4 && { userData: { project: pick(['apollo', 'gemini', 'mercury']), ticket: `T-${i}` } }),
      };
      const rec = this.addDestination(pick(owners), params, null);
      // Most seeded destinations have settled; some are still connecting when the simulator starts.
      const age = r() < 0.15 ? Math.floor(r() * 2) : 10;
      for (rec.age = 1; rec.age <= Math.min(age, 4); rec.age++) this.step(rec);
      rec.age = age;
    }
  }

  private changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, this.stateDebounceMs);
    this.saveTimer.unref();
  }

  /** Writes the state file atomically (temporary file, then rename); writes run one after another. */
  private save(): void {
    const file = this.stateFile!;
    const state: z.input<typeof SavedState> = {
      serverUid: this.serverUid,
      destinations: [...this.destinations.values()].map((rec) => ({
        destination: rec.d,
        relayAddress: rec.relayAddress,
        senderPort: rec.senderPort,
        baseRttMs: rec.baseRttMs,
      })),
      tokens: [...this.tokens.values()].map(({ secret, user, session, expiresAt }) => ({ token: secret, user, session, expiresAt })),
    };
    const text = JSON.stringify(state);
    const temp = `${file}.${process.pid}.tmp`;
    this.saving = this.saving
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(temp, text);
        await rename(temp, file);
      })
      .catch((error: unknown) => console.error(`jetstream-sim: could not write the state file ${file}: ${String(error)}`));
  }

  private load(file: string): z.output<typeof SavedState> {
    let state: z.output<typeof SavedState>;
    try {
      state = SavedState.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`state file ${file} is not usable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    for (const saved of state.destinations) {
      const rec: Rec = {
        d: saved.destination,
        kind: classify(saved.destination.destinationAddress),
        relayAddress: saved.relayAddress,
        senderPort: saved.senderPort,
        baseRttMs: saved.baseRttMs,
        age: 0,
        establishedTime: null,
        json: undefined,
      };
      this.disconnect(rec);
      this.index(rec);
    }
    for (const t of state.tokens) {
      if (!this.tokens.has(t.token)) this.addToken(t.token, t.user, t.session, t.expiresAt);
    }
    return state;
  }
}
