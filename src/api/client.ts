/**
 * The typed JetStream client: one method per command of PROTOCOL.md, over either transport, each
 * result validated with zod before anyone sees it.
 */
import type { z } from 'zod';
import { checkDestinationList, type DestinationList, type PreviousList } from './destinationList';
import { JetStreamError } from './errors';
import { describeIssue, unreadableAnswer } from './issues';
import { l10n } from './l10n';
import { CliTransport, type CliServerEndpoint } from './cliTransport';
import { redactor, type Redact, type Secrets } from './redact';
import { HttpTransport, type HttpServerEndpoint } from './httpTransport';
import { PythonTransport, type PythonServerEndpoint } from './pythonTransport';
import { Connection, Destination, ServerInfo, UserData, type Id, type TextUserData } from './schemas';
import { CreateDestinationParams, UserDataInput } from './inputSchemas';
import type { CallOptions, Params, Transport } from './transport';

export type ClientEndpoint =
  | ({ transport: 'http' } & HttpServerEndpoint)
  | ({ transport: 'cli' } & CliServerEndpoint)
  | ({ transport: 'python' } & PythonServerEndpoint);

export class JetStreamClient {
  constructor(
    readonly serverName: string,
    private readonly transport: Transport,
    private readonly defaults: CallOptions = {},
    secrets: Secrets = {},
  ) {
    this.redact = redactor(secrets);
  }

  static create(endpoint: ClientEndpoint, defaults: CallOptions = {}): JetStreamClient {
    const transport =
      endpoint.transport === 'cli'
        ? new CliTransport(endpoint)
        : endpoint.transport === 'python'
          ? new PythonTransport(endpoint)
          : new HttpTransport(endpoint);
    return new JetStreamClient(endpoint.name, transport, defaults, endpoint);
  }

  get endpoint(): string {
    return this.transport.endpoint;
  }

  /** Removes this server's secrets from a text the server sent (an echoed password in an error field). */
  readonly redact: Redact;

  /** How the transport sent a command, for the compatibility report. */
  sentAs(command: string): string {
    return this.transport.sentAs(command);
  }

  getServerInfo(options?: CallOptions): Promise<ServerInfo> {
    return this.run('getServerInfo', {}, ServerInfo, options);
  }

  getDestinations(options?: CallOptions): Promise<Destination[]> {
    return this.run('send.getDestinations', {}, Destination.array(), options);
  }

  getDestination(destinationId: Id, options?: CallOptions): Promise<Destination> {
    return this.run('send.getDestination', { destinationId }, Destination, options);
  }

  /** Returns the new destination, or the existing one of the same owner, address and port. */
  async createDestination(params: CreateDestinationParams, options?: CallOptions): Promise<Destination> {
    return this.run(
      'send.createDestination',
      this.checked('send.createDestination', CreateDestinationParams, params),
      Destination,
      options,
    );
  }

  async deleteDestination(destinationId: Id, options?: CallOptions): Promise<void> {
    await this.send('send.deleteDestination', { destinationId }, options);
  }

  /**
   * The destinations as listed for the tree: the fields it shows checked on every call, userData when it
   * changed since `previous`, whose records are updated in place. The whole records `whole` names are
   * kept; their full structure is checked by `fullDestination` when it is needed.
   */
  async listDestinations(previous?: PreviousList, options?: CallOptions, whole?: (key: string) => boolean): Promise<DestinationList> {
    const raw = await this.send('send.getDestinations', {}, options);
    return checkDestinationList(raw, previous, { server: this.serverName, command: 'send.getDestinations' }, whole);
  }

  getConnection(connectionId: Id, options?: CallOptions): Promise<Connection> {
    return this.run('send.getConnection', { connectionId }, Connection, options);
  }

  getConnections(options?: CallOptions): Promise<Connection[]> {
    return this.run('send.getConnections', {}, Connection.array(), options);
  }

  /** Sets the given keys and keeps every other; returns the object's whole userData afterwards. */
  updateObjectUserData(objectId: Id, userData: TextUserData, options?: CallOptions): Promise<UserData> {
    const params = { objectId, userData: this.checked('send.updateObjectUserData', UserDataInput, userData) };
    return this.changeUserData('send.updateObjectUserData', params, objectId, options);
  }

  /** Removes the given keys; returns the object's whole userData afterwards. */
  deleteObjectUserData(objectId: Id, keys: string[], options?: CallOptions): Promise<UserData> {
    return this.changeUserData('send.deleteObjectUserData', { objectId, keys }, objectId, options);
  }

  /**
   * What the userData commands answer is not documented (the new userData, `null`, or something else):
   * an answer that is not userData is confirmed by reading the destination back, so an edit that
   * landed never fails for the shape of its answer.
   */
  private async changeUserData(command: string, params: Params, objectId: Id, options?: CallOptions): Promise<UserData> {
    const raw = await this.send(command, params, options);
    const answer = UserData.safeParse(raw);
    if (answer.success) return answer.data;
    return (await this.getDestination(objectId, options)).userData ?? {};
  }

  /** Runs a command and returns its raw, unvalidated result: for callers that validate in their own way. */
  callRaw(command: string, params: Params = {}, options?: CallOptions): Promise<unknown> {
    return this.send(command, params, options);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** The server's refusal of this client's password or token, once it refused it. */
  get refusal(): JetStreamError | undefined {
    return this.refused;
  }

  private refused: JetStreamError | undefined;

  /**
   * Every call goes through here: once the server refused the credential, nothing more is sent with
   * it (PAM locks an OS account after a few refusals), whichever command comes next.
   */
  private async send(command: string, params: Params, options?: CallOptions): Promise<unknown> {
    if (this.refused) throw this.refused;
    try {
      return await this.transport.call(command, params, this.options(options));
    } catch (e) {
      if (e instanceof JetStreamError && e.code === 'AuthFailed') this.refused ??= e;
      throw e;
    }
  }

  private options(options?: CallOptions): CallOptions {
    return { ...this.defaults, ...options };
  }

  /** Refuses a bad request before it leaves, with the same words a server would use. */
  private checked<S extends z.ZodType>(command: string, schema: S, value: unknown): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new JetStreamError(
      'InvalidParameter',
      l10n.t("Not sent to server '{0}': {1}.", this.serverName, describeIssue(parsed.error, value)),
      {
        command,
        server: this.serverName,
      },
    );
  }

  private async run<S extends z.ZodType>(command: string, params: Params, schema: S, options?: CallOptions): Promise<z.infer<S>> {
    const raw = await this.send(command, params, options);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw unreadableAnswer(this.serverName, command, describeIssue(parsed.error, raw));
    }
    return parsed.data;
  }
}
