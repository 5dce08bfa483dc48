/**
 * The parameters that recreate a deleted destination as it was (Undo of a delete): the server gives
 * the new one a new id. What the Destination structure does not say enough about is named, so Undo
 * can tell the user what it could not restore.
 */
import { lanesOf, type Destination, type TextUserData } from '../api/schemas';
import { TransferDefaultsInput, type CreateDestinationParams } from '../api/inputSchemas';

export type LostPart = { part: 'relay' } | { part: 'lanes' } | { part: 'userData'; keys: string[] };

export interface RecreatePlan {
  params: CreateDestinationParams;
  lost: LostPart[];
}

export function recreateParams(d: Destination): RecreatePlan {
  const lost: LostPart[] = [];
  const p: CreateDestinationParams = { destinationAddress: d.destinationAddress, destinationPort: d.destinationPort };
  if (d.sendRateMax > 0) p.sendRateMax = d.sendRateMax;
  if (d.permittedDestinationPublicKey) p.permittedDestinationPublicKey = d.permittedDestinationPublicKey;
  if (d.relayIP && d.relayPort) Object.assign(p, { relayAddress: d.relayIP, relayPort: d.relayPort });
  // The structure gives a relay's IP once it is resolved, never its name: before that the relay is unknown.
  else if (d.relayPort) lost.push({ part: 'relay' });
  if (d.socketSendBufferSize) p.socketSendBufferSize = d.socketSendBufferSize;
  if (d.socketRecvBufferSize) p.socketRecvBufferSize = d.socketRecvBufferSize;
  const lanes = lanesOf(d.priorityLanes);
  if (lanes && Object.keys(lanes).length) p.priorityLanes = lanes;
  else if (d.priorityLanes !== undefined && d.priorityLanes !== null && !lanes) lost.push({ part: 'lanes' });
  const { checkpointFrequencySeconds, overwriteMode, priority, priorityLane, sendRateMax, transferFlags } = d.transferDefaults;
  p.transferDefaults = TransferDefaultsInput.parse(
    Object.fromEntries(
      Object.entries({
        checkpointFrequencySeconds,
        overwriteMode,
        priority,
        // createDestination refuses a default lane that is not among the lanes it is given.
        priorityLane: priorityLane && p.priorityLanes && Object.hasOwn(p.priorityLanes, priorityLane) ? priorityLane : undefined,
        sendRateMax: sendRateMax || undefined,
        transferFlags,
      }).filter(([, v]) => v !== undefined && v !== null),
    ),
  );
  const text: TextUserData = {};
  const other: string[] = [];
  for (const [k, v] of Object.entries(d.userData ?? {})) {
    if (typeof v === 'string') text[k] = v;
    else other.push(k);
  }
  if (Object.keys(text).length) p.userData = text;
  if (other.length) lost.push({ part: 'userData', keys: other });
  return { params: p, lost };
}
