/**
 * Every message between the extension and the destinations table's page. Both sides import this file
 * and both check what they receive with zod: the extension so that a forged message is dropped, never
 * obeyed; the page so that it never draws half a row. The page names rows by the number the feed gave
 * them (`n`), so it can ask only about destinations it was shown.
 */
import * as z from 'zod';
import { DESTINATION_STATUSES } from '../model/status';
import { isColumnId, type ColumnId, type TableRow } from '../model/table';
import type { TableViewState } from '../model/tableView';

export const TABLE_VIEW_TYPE = 'jetstream.destinationsTable';

/** Rows one bulk action may name: more than any server lists. */
const MAX_ROWS = 1_000_000;

const RowNumber = z.number().int().positive();

export const TableRowMessage = z.object({
  n: RowNumber,
  server: z.string(),
  key: z.string(),
  address: z.string(),
  sortKey: z.string(),
  port: z.number(),
  status: z.enum(DESTINATION_STATUSES),
  rate: z.number(),
  rateMax: z.number(),
  rtt: z.number().nullable(),
  queue: z.number(),
  owner: z.string(),
  error: z.string(),
  problem: z.string(),
  userData: z.array(z.tuple([z.string(), z.string()])),
});
// The model's row and the message's are one shape: a field added to one and not the other fails here.
const sameRow: [TableRow, z.infer<typeof TableRowMessage>] extends [z.infer<typeof TableRowMessage>, TableRow] ? true : never = true;
void sameRow;

const Column = z.custom<ColumnId>(isColumnId, { message: 'not a column' });

export const TableView = z.object({
  columns: z.array(Column).min(1).max(50),
  sort: z.object({ column: Column, descending: z.boolean() }),
  filter: z.string().max(1000),
}) satisfies z.ZodType<TableViewState>;

export const ServerLine = z.object({
  name: z.string(),
  phase: z.enum(['loading', 'ok', 'error']),
  /** The server's problem in words, when it has one. */
  problem: z.string().optional(),
});
export type ServerLine = z.infer<typeof ServerLine>;

/** The sparklines: rows one history request may name, and points one series has. */
export const HISTORY_ROWS = 200;
export const HISTORY_POINTS = 60;
/** The time a sparkline spans. */
export const HISTORY_SPAN_MS = 5 * 60_000;

export const RateSeries = z.object({
  n: RowNumber,
  /** Mean send rate per equal slice of the span, oldest first; null where there was no sample. */
  rates: z.array(z.number().nullable()).max(HISTORY_POINTS),
});
export type RateSeries = z.infer<typeof RateSeries>;

export const ToTable = z.discriminatedUnion('type', [
  /** The view remembered, sent first. */
  z.object({ type: z.literal('view'), view: TableView }),
  /** Rows that came or changed, and the numbers of rows that went; `reset` first drops every row the page has. */
  z.object({
    type: z.literal('rows'),
    reset: z.boolean(),
    upserts: z.array(TableRowMessage),
    removed: z.array(RowNumber),
    done: z.boolean(),
  }),
  /** Each server's state, when one changes: the page says which are loading or failing. */
  z.object({ type: z.literal('servers'), servers: z.array(ServerLine) }),
  /** Select this row and bring it into view (the command was run for a destination). */
  z.object({ type: z.literal('reveal'), n: RowNumber }),
  /** Sort afresh now (a manual Refresh). */
  z.object({ type: z.literal('resort') }),
  /** Recent send rates of rows the page asked about (rows without history are left out). */
  z.object({ type: z.literal('history'), spanMs: z.number().positive(), series: z.array(RateSeries).max(HISTORY_ROWS) }),
]);
export type ToTable = z.infer<typeof ToTable>;

const Rows = z.array(RowNumber).min(1).max(MAX_ROWS);

export const FromTable = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** The user changed columns, sort or filter: remembered for the next table. */
  z.object({ type: z.literal('view'), view: TableView }),
  z.object({ type: z.literal('open'), n: RowNumber }),
  z.object({ type: z.literal('delete'), rows: Rows }),
  z.object({ type: z.literal('setUserData'), rows: Rows }),
  z.object({ type: z.literal('removeUserData'), rows: Rows }),
  z.object({ type: z.literal('refresh') }),
  /** The rows in view want their recent send rate (sparklines). */
  z.object({ type: z.literal('history'), rows: z.array(RowNumber).min(1).max(HISTORY_ROWS) }),
]);
export type FromTable = z.infer<typeof FromTable>;
