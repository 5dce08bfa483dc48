/**
 * Check Server Compatibility: the read-only commands run once against a server, and for each whether it
 * worked, how it was sent, how long it took, and how its answer differs from the structures this
 * extension expects (fields it does not know, fields missing, types it did not expect). It is what a
 * user with a real server sends back, so it is written for when everything else is unknown: every
 * step runs whatever the one before did, and nothing in it can carry a secret.
 */
import type * as z from 'zod';
import type { JetStreamClient } from '../api/client';
import { JetStreamError } from '../api/errors';
import { Connection, Destination, ServerInfo, type Id } from '../api/schemas';
import { issueText } from '../api/issues';

export interface FieldMismatch {
  field: string;
  message: string;
  /** How many records had it. */
  count: number;
}

export interface CompatStep {
  /** The command as PROTOCOL.md names it. */
  command: string;
  /** How the transport sent it: `getDestinations`, `send.getDestinations`, `api.send.getDestinations`. */
  sentAs: string;
  ok: boolean;
  ms: number;
  /** Why it failed, in the words the extension shows (secrets redacted). */
  error?: string | undefined;
  errorCode?: string | undefined;
  /** How many records the answer held, for lists. */
  records?: number | undefined;
  unknownFields: string[];
  missingFields: string[];
  mismatches: FieldMismatch[];
  /** Why a step did not run. */
  skipped?: string | undefined;
}

export interface CompatReport {
  server: string;
  transport: string;
  endpoint: string;
  startedAt: number;
  version?: string | undefined;
  apiVersion?: number | undefined;
  steps: CompatStep[];
}

type Shape = Record<string, z.ZodType>;

/** Compares records with an object schema: every key it does not know, every key it lacks, every type it did not expect. */
function analyse(records: unknown[], schema: z.ZodObject<Shape>): Pick<CompatStep, 'unknownFields' | 'missingFields' | 'mismatches'> {
  const known = new Set(Object.keys(schema.shape));
  const unknown = new Set<string>();
  const present = new Map<string, number>();
  const mismatches = new Map<string, FieldMismatch>();
  for (const r of records) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      const m = mismatches.get('') ?? { field: '', message: 'a record that is not an object', count: 0 };
      m.count++;
      mismatches.set('', m);
      continue;
    }
    for (const k of Object.keys(r)) {
      if (known.has(k)) present.set(k, (present.get(k) ?? 0) + 1);
      else unknown.add(k);
    }
    const parsed = schema.safeParse(r);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.');
      // A missing field is listed once as missing, not as a type problem of every record.
      if (issue.code === 'invalid_type' && issue.path.length === 1 && !Object.hasOwn(r, String(issue.path[0]))) continue;
      const message = issueText(issue).message;
      const key = `${field}\n${message}`;
      const m = mismatches.get(key) ?? { field, message, count: 0 };
      m.count++;
      mismatches.set(key, m);
    }
  }
  const objects = records.filter((r) => typeof r === 'object' && r !== null && !Array.isArray(r)).length;
  const missing = [...known].filter((k) => (present.get(k) ?? 0) < objects);
  return {
    unknownFields: [...unknown].sort().slice(0, 200),
    missingFields: objects ? missing : [],
    mismatches: [...mismatches.values()].slice(0, 100),
  };
}

async function step(
  client: JetStreamClient,
  command: string,
  params: Record<string, unknown>,
  read: (raw: unknown) => Partial<CompatStep>,
  signal?: AbortSignal,
): Promise<CompatStep & { raw?: unknown }> {
  const started = performance.now();
  try {
    const raw = await client.callRaw(command, params, { signal });
    return {
      command,
      sentAs: client.sentAs(command),
      ok: true,
      ms: Math.round(performance.now() - started),
      unknownFields: [],
      missingFields: [],
      mismatches: [],
      ...read(raw),
      raw,
    };
  } catch (e) {
    const error = e instanceof JetStreamError ? e : undefined;
    return {
      command,
      sentAs: client.sentAs(command),
      ok: false,
      ms: Math.round(performance.now() - started),
      error: error ? error.message : `internal error: ${e instanceof Error ? e.message : String(e)}`,
      errorCode: error?.code,
      unknownFields: [],
      missingFields: [],
      mismatches: [],
    };
  }
}

const asList = (raw: unknown): unknown[] => (Array.isArray(raw) ? raw : []);

export async function checkCompatibility(
  client: JetStreamClient,
  about: { transport: string },
  signal?: AbortSignal,
): Promise<CompatReport> {
  const report: CompatReport = {
    server: client.serverName,
    transport: about.transport,
    endpoint: client.endpoint,
    startedAt: Date.now(),
    steps: [],
  };
  const info = await step(client, 'getServerInfo', {}, (raw) => analyse([raw], ServerInfo), signal);
  if (info.ok && typeof info.raw === 'object' && info.raw !== null) {
    const r = info.raw as { version?: unknown; apiVersion?: unknown };
    if (typeof r.version === 'string') report.version = r.version.slice(0, 100);
    if (typeof r.apiVersion === 'number') report.apiVersion = r.apiVersion;
  }
  const list = await step(
    client,
    'send.getDestinations',
    {},
    (raw) =>
      Array.isArray(raw)
        ? { records: raw.length, ...analyse(raw, Destination) }
        : { mismatches: [{ field: '', message: 'the answer is not a list', count: 1 }] },
    signal,
  );
  const first = asList(list.raw).find((d): d is { destinationId: Id } => {
    const id = (d as { destinationId?: unknown } | null)?.destinationId;
    return typeof id === 'string' || typeof id === 'number';
  });
  const one: CompatStep = first
    ? await step(client, 'send.getDestination', { destinationId: first.destinationId }, (raw) => analyse([raw], Destination), signal)
    : {
        command: 'send.getDestination',
        sentAs: client.sentAs('send.getDestination'),
        ok: false,
        ms: 0,
        unknownFields: [],
        missingFields: [],
        mismatches: [],
        skipped: 'no destination with a readable id to ask for',
      };
  const connections = await step(
    client,
    'send.getConnections',
    {},
    (raw) =>
      Array.isArray(raw)
        ? { records: raw.length, ...analyse(raw, Connection) }
        : { mismatches: [{ field: '', message: 'the answer is not a list', count: 1 }] },
    signal,
  );
  for (const s of [info, list, one, connections]) {
    const { raw: _raw, ...rest } = s as CompatStep & { raw?: unknown };
    report.steps.push(rest);
  }
  return report;
}

/**
 * The report as Markdown a person reads at a glance and can paste into a ticket. In English whatever
 * VS Code's language, as a crash report is: it is written for the people who support the extension.
 */
export function reportMarkdown(r: CompatReport, extensionVersion: string): string {
  const lines: string[] = [];
  const when = new Date(r.startedAt).toISOString();
  lines.push(`# JetStream server compatibility: ${r.server}`, '');
  lines.push(`- Checked: ${when}, JetStream Destinations ${extensionVersion}`);
  lines.push(`- Transport: ${r.transport}, ${r.endpoint}`);
  lines.push(
    `- Server: ${r.version ? `JetStream ${r.version}` : 'version unknown'}${r.apiVersion !== undefined ? `, API ${r.apiVersion}` : ''}`,
  );
  const worked = r.steps.filter((s) => s.ok).length;
  lines.push(`- ${worked} of ${r.steps.length} read-only commands worked`, '');
  lines.push('| command | sent as | result | time | records |', '|---|---|---|---|---|');
  for (const s of r.steps) {
    const result = s.skipped ? `skipped: ${s.skipped}` : s.ok ? 'ok' : `failed (${s.errorCode ?? 'error'})`;
    lines.push(`| ${s.command} | \`${s.sentAs}\` | ${cell(result)} | ${s.skipped ? '' : `${s.ms} ms`} | ${s.records ?? ''} |`);
  }
  for (const s of r.steps) {
    if (s.skipped || (s.ok && !s.unknownFields.length && !s.missingFields.length && !s.mismatches.length)) continue;
    lines.push('', `## ${s.command}`, '');
    if (s.error) lines.push(`- Error: ${s.error}`);
    if (s.unknownFields.length)
      lines.push(`- Fields this extension does not know (shown under "Other fields"): ${s.unknownFields.join(', ')}`);
    if (s.missingFields.length) lines.push(`- Fields the server did not send: ${s.missingFields.join(', ')}`);
    for (const m of s.mismatches)
      lines.push(`- Unexpected ${m.field ? `\`${m.field}\`` : 'record'}: ${m.message}${m.count > 1 ? ` (${m.count} records)` : ''}`);
  }
  lines.push('', 'This report holds no password, token or userData value.');
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
