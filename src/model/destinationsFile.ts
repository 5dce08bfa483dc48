/**
 * A destinations file (`*.jetstream.json`): the destinations a server should have, kept in git. Its
 * schema is made from the client's own createDestination schema, so the editor's validation (the JSON
 * schema generated from it at build time) and what the client sends can never disagree.
 */
import * as z from 'zod';
import { CreateDestinationParams, UserDataKey, UserDataValue, checkCreateParams } from '../api/inputSchemas';
import { DEFAULT_DESTINATION_PORT } from './rows';

/** userData as the file says it: a text value sets the key, null removes it; keys not named are left alone. */
const FileUserData = z
  .record(UserDataKey, UserDataValue.nullable())
  .describe('Your own text keys and values: a text value sets the key, null removes it, keys not named are left alone.');

const { userData: _createUserData, ...createShape } = CreateDestinationParams.shape;

export const DesiredDestination = z
  .strictObject({ ...createShape, userData: FileUserData.optional() })
  .superRefine((p, ctx) => checkCreateParams(p, ctx));
export type DesiredDestination = z.infer<typeof DesiredDestination>;

export const DestinationsFile = z.strictObject({
  $schema: z.string().optional(),
  server: z.string().min(1).describe('The name of a server profile in jetstream.servers.'),
  prune: z.boolean().default(false).describe('Delete destinations of the server that the file does not list.'),
  destinations: z.array(DesiredDestination).describe('Each destination once, identified by destinationAddress and destinationPort.'),
});
export type DestinationsFile = z.infer<typeof DestinationsFile>;

/** How a destination is identified across a file and a server: what createDestination's idempotence uses. */
export function identity(d: { destinationAddress: string; destinationPort?: number | null | undefined }): string {
  return `${d.destinationAddress.trim().toLowerCase()}:${d.destinationPort ?? DEFAULT_DESTINATION_PORT}`;
}

/** The JSON schema of the file, for `contributes.jsonValidation`. */
export function destinationsFileJsonSchema(): object {
  return z.toJSONSchema(DestinationsFile, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
}
