/**
 * Plan: what Apply would do to make a server's destinations what a destinations file says, worked out
 * before anything is sent. There is no update call for a destination, so a parameter that differs can
 * only be changed by deleting and recreating it ("replace"); userData keys are set or removed one by one,
 * and keys the file does not name are left alone. With `prune`, destinations the file does not list are
 * deleted. Export writes a file from what a server has, which plans to no change against that server.
 */
import { lanesOf, type Destination, type Id, type TextUserData } from '../api/schemas';
import { type CreateDestinationParams } from '../api/inputSchemas';
import { identity, type DesiredDestination, type DestinationsFile } from './destinationsFile';
import { recreateParams, type LostPart } from './recreate';
import { DEFAULT_DESTINATION_PORT } from './rows';

/** One parameter whose value on the server differs from the file's. */
export interface Difference {
  field: string;
  now: unknown;
  wanted: unknown;
}

export type PlanStep =
  | { kind: 'create'; label: string; params: CreateDestinationParams }
  | {
      kind: 'userData';
      label: string;
      id: Id;
      /** Keys to set: the value now (undefined when the key is new) and the file's. */
      set: Record<string, { now: string | undefined; wanted: string }>;
      /** Keys to remove, with the value they hold now. */
      remove: Record<string, string>;
    }
  | { kind: 'replace'; label: string; id: Id; differences: Difference[]; params: CreateDestinationParams }
  | { kind: 'delete'; label: string; id: Id };

export interface Plan {
  server: string;
  steps: PlanStep[];
  /** Destinations the file lists that need nothing. */
  unchanged: number;
}

const label = (address: string, port: number | undefined) => `${address}:${port ?? DEFAULT_DESTINATION_PORT}`;

/** The parameters a file entry gives, compared field by field with what the server reports. */
function differences(want: DesiredDestination, d: Destination): Difference[] {
  const out: Difference[] = [];
  const compare = (field: string, now: unknown, wanted: unknown) => {
    if (wanted !== undefined && canonical(now ?? null) !== canonical(wanted)) out.push({ field, now, wanted });
  };
  compare('sendRateMax', d.sendRateMax, want.sendRateMax);
  compare('senderPort', d.senderPort, want.senderPort);
  compare('permittedDestinationPublicKey', d.permittedDestinationPublicKey, want.permittedDestinationPublicKey);
  compare('relayPort', d.relayPort, want.relayPort);
  // The structure gives a relay's resolved IP, not its name: only an IP in the file can be compared.
  if (want.relayAddress !== undefined && /^[\d.]+$|:/.test(want.relayAddress)) compare('relayAddress', d.relayIP, want.relayAddress);
  compare('socketSendBufferSize', d.socketSendBufferSize, want.socketSendBufferSize);
  compare('socketRecvBufferSize', d.socketRecvBufferSize, want.socketRecvBufferSize);
  for (const [k, v] of Object.entries(want.transferDefaults ?? {}))
    compare(`transferDefaults.${k}`, (d.transferDefaults as Record<string, unknown>)[k], v);
  if (want.priorityLanes !== undefined) compare('priorityLanes', lanesOf(d.priorityLanes) ?? d.priorityLanes, want.priorityLanes);
  return out;
}

/** JSON with object keys sorted: lanes listed in another order are the same lanes. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}

/** The file's userData as createDestination takes it: the keys it sets (a removal means nothing to create). */
function textUserData(u: DesiredDestination['userData']): TextUserData | undefined {
  const set = Object.entries(u ?? {}).filter((e): e is [string, string] => e[1] !== null);
  return set.length ? Object.fromEntries(set) : undefined;
}

function createParams(want: DesiredDestination, keep?: TextUserData): CreateDestinationParams {
  const { userData, ...rest } = want;
  const merged = { ...keep, ...textUserData(userData) };
  for (const [k, v] of Object.entries(userData ?? {})) if (v === null) delete merged[k];
  return Object.keys(merged).length ? { ...rest, userData: merged } : rest;
}

function textOf(u: Destination['userData']): TextUserData {
  return Object.fromEntries(Object.entries(u ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The steps that make `actual` (the server's destinations, full structures) what `file` says. */
export function plan(file: DestinationsFile, actual: readonly Destination[]): Plan {
  const byIdentity = new Map(actual.map((d) => [identity(d), d]));
  const listed = new Set<string>();
  const steps: PlanStep[] = [];
  let unchanged = 0;
  for (const want of file.destinations) {
    const key = identity(want);
    listed.add(key);
    const name = label(want.destinationAddress, want.destinationPort);
    const d = byIdentity.get(key);
    if (!d) {
      steps.push({ kind: 'create', label: name, params: createParams(want) });
      continue;
    }
    const diff = differences(want, d);
    if (diff.length) {
      // Recreated with what it has and what the file changes: the file's userData over the server's.
      steps.push({ kind: 'replace', label: name, id: d.destinationId, differences: diff, params: createParams(want, textOf(d.userData)) });
      continue;
    }
    const set: Record<string, { now: string | undefined; wanted: string }> = {};
    const remove: Record<string, string> = {};
    for (const [k, v] of Object.entries(want.userData ?? {})) {
      const now = d.userData?.[k];
      if (v === null) {
        if (now !== undefined) remove[k] = typeof now === 'string' ? now : JSON.stringify(now);
      } else if (now !== v)
        set[k] = { now: now === undefined ? undefined : typeof now === 'string' ? now : JSON.stringify(now), wanted: v };
    }
    if (Object.keys(set).length || Object.keys(remove).length)
      steps.push({ kind: 'userData', label: name, id: d.destinationId, set, remove });
    else unchanged++;
  }
  if (file.prune) {
    for (const d of actual)
      if (!listed.has(identity(d)))
        steps.push({ kind: 'delete', label: label(d.destinationAddress, d.destinationPort), id: d.destinationId });
  }
  return { server: file.server, steps, unchanged };
}

export interface Exported {
  file: DestinationsFile;
  /** What the file could not say, per destination (a relay known only by its port, lanes of an unknown shape). */
  lost: { label: string; lost: LostPart[] }[];
}

/** A file of what a server has now. */
export function exportFile(server: string, actual: readonly Destination[]): Exported {
  const lost: { label: string; lost: LostPart[] }[] = [];
  const destinations = [...actual]
    .sort((a, b) => identity(a).localeCompare(identity(b)))
    .map((d) => {
      const r = recreateParams(d);
      if (r.lost.length) lost.push({ label: label(d.destinationAddress, d.destinationPort), lost: r.lost });
      return r.params as DesiredDestination;
    });
  return { file: { server, prune: false, destinations }, lost };
}
