/** One call of PROTOCOL.md's HTTP convention, without interpreting the answer: the console shim and the tests share it. */
import { type Dispatcher, request } from 'undici';

export interface CallAuth {
  user?: string;
  password?: string;
  /** An API token from createAPIToken; used instead of user and password. */
  token?: string;
  /** A session id from the `auth` command; used instead of a token or a user and password. */
  session?: string;
  /** Sends `JetStream-Superuser: true`. */
  superuser?: boolean;
}

export interface Answer {
  status: number;
  text: string;
}

export async function postCommand(
  base: string,
  command: string,
  params: unknown,
  auth: CallAuth = {},
  dispatcher?: Dispatcher,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.session) headers.authorization = `Session ${auth.session}`;
  else if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  else if (auth.user !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password ?? ''}`).toString('base64')}`;
  }
  if (auth.superuser) headers['jetstream-superuser'] = 'true';
  const response = await request(`${base}/api/${command}`, { method: 'POST', headers, body: JSON.stringify(params), dispatcher });
  return { status: response.statusCode, text: await response.body.text() };
}
