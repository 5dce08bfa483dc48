/**
 * The `http` transport: the JSON-over-HTTP convention of PROTOCOL.md, through undici with one
 * keep-alive pool per server. TLS is verified by default; a profile may pin a CA or a self-signed
 * certificate, which then is the only certificate trusted for that server.
 */
import { Pool } from 'undici';
import { localError, networkError, protocolError } from './errors';
import { l10n } from './l10n';
import { redactor, type Redact } from './redact';
import { ErrorEnvelope } from './schemas';
import { DEFAULT_TIMEOUT_MS, errorContext, type CallOptions, type Params, type ServerEndpoint, type Transport } from './transport';

export interface HttpServerEndpoint extends ServerEndpoint {
  /** Base URL, `http://` or `https://`, optionally with a path prefix. */
  url: string;
  /** PEM text of a CA or pinned certificate. */
  ca?: string | undefined;
  /** Largest answer accepted, so a runaway server cannot exhaust memory. */
  maxResponseBytes?: number | undefined;
}

const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export class HttpTransport implements Transport {
  readonly endpoint: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;
  private readonly redact: Redact;

  constructor(private readonly server: HttpServerEndpoint) {
    this.redact = redactor(server);
    const url = new URL(server.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(l10n.t("The URL of server '{0}' must start with http:// or https://, not {1}//.", server.name, url.protocol));
    }
    this.endpoint = url.origin + url.pathname.replace(/\/$/, '');
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: 4,
      keepAliveTimeout: 30_000,
      connect: url.protocol === 'https:' ? { rejectUnauthorized: true, ...(server.ca ? { ca: server.ca } : {}) } : {},
    });
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (server.token) this.headers.authorization = `Bearer ${server.token}`;
    else if (server.user !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${server.user}:${server.password ?? ''}`).toString('base64')}`;
    }
    if (server.superuser) this.headers['jetstream-superuser'] = 'true';
  }

  async call(command: string, params: Params, options: CallOptions): Promise<unknown> {
    const ctx = { ...errorContext(this.server, command, this.endpoint, this.redact), pinned: !!this.server.ca };
    // undici's own timeouts cost nothing per call, where an AbortSignal.timeout arms a timer each time.
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = options.signal;
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: `${this.basePath}/api/${encodeURIComponent(command)}`,
        headers: this.headers,
        body: JSON.stringify(params),
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      text = await readText(res.body, this.server.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, Date.now() + timeoutMs);
    } catch (e) {
      if (e instanceof TooLarge) {
        throw localError(
          'InvalidResponse',
          l10n.t("Server '{0}' sent an answer to {1} larger than {2} bytes; it was not read.", this.server.name, command, e.limit),
          ctx,
        );
      }
      throw networkError(signal?.aborted ? (signal.reason ?? e) : e, ctx, timeoutMs);
    }
    return interpret(status, text, ctx);
  }

  sentAs(command: string): string {
    return `POST /api/${command}`;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

class TooLarge extends Error {
  constructor(readonly limit: number) {
    super('response too large');
  }
}

/**
 * Reads the answer up to a size limit and a deadline for the whole call: undici's body timeout is per
 * idle gap, so a server that trickles bytes would otherwise hold a refresh for ever.
 */
async function readText(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number, deadline: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (Date.now() > deadline) {
      body.destroy();
      throw Object.assign(new Error('the answer took longer than the timeout'), { name: 'TimeoutError' });
    }
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new TooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Turns a status and body into the result value or the matching JetStreamError. */
function interpret(status: number, text: string, ctx: ReturnType<typeof errorContext>): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (status >= 200 && status < 300) {
      throw localError(
        'InvalidResponse',
        l10n.t("Server '{0}' sent an incomplete or malformed answer to {1} (not valid JSON).", ctx.server, ctx.command),
        ctx,
      );
    }
    body = undefined;
  }
  if (status >= 200 && status < 300) {
    if (typeof body !== 'object' || body === null || !('result' in body)) {
      throw localError(
        'InvalidResponse',
        l10n.t("Server '{0}' answered {1} without a result; is {2} a JetStream API?", ctx.server, ctx.command, ctx.endpoint ?? ''),
        ctx,
      );
    }
    return (body as { result: unknown }).result;
  }
  const envelope = ErrorEnvelope.safeParse(body);
  if (envelope.success) {
    throw protocolError(envelope.data.error.code, envelope.data.error.message, ctx, { status });
  }
  // No JetStream error body: the status is all there is, and a 404 or 405 most often means the URL is not the API.
  const guess =
    status === 401
      ? 'AuthFailed'
      : status === 403
        ? 'PermissionDenied'
        : status === 404
          ? 'UnknownCommand'
          : status === 405 || status === 400
            ? 'InvalidRequest'
            : 'ServerError';
  const words =
    status === 404 || status === 405 ? l10n.t('HTTP {0}; is {1} the JetStream API?', status, ctx.endpoint ?? '') : `HTTP ${status}`;
  throw protocolError(guess, words, ctx, { status });
}
