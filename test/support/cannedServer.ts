/**
 * A server of PROTOCOL.md's HTTP convention that answers from what a test gives it: for the records a
 * real server might send that our simulator never does (odd types, unknown fields, echoed secrets).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answer = { result: unknown } | { status: number; error: { code: string; message: string } };
export type Handler = (command: string, params: Record<string, unknown>, req: IncomingMessage) => Answer | undefined;

export interface CannedServer {
  url: string;
  /** Commands received, in order. */
  calls: { command: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export const SERVER_INFO = { apiVersion: 40, version: '2.9.2', authRequired: false, serverName: 'canned' };

export async function startCannedServer(handler: Handler): Promise<CannedServer> {
  const calls: CannedServer['calls'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const command = decodeURIComponent((req.url ?? '').replace(/^\/api\//, ''));
      calls.push({ command, authorization: req.headers.authorization });
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // a test's own request: leave params empty
      }
      const answer =
        handler(command, params, req) ??
        (command === 'getServerInfo'
          ? { result: SERVER_INFO }
          : { status: 404, error: { code: 'UnknownCommand', message: `Unknown command '${command}'` } });
      const status = 'status' in answer ? answer.status : 200;
      const body = JSON.stringify('status' in answer ? { error: answer.error } : { result: answer.result });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
