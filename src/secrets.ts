/**
 * Passwords and API tokens live only in VS Code's SecretStorage, keyed by the server profile's name,
 * where it points and its user. They never reach settings, logs or command lines; the engine asks for
 * one when it opens a client.
 */
import * as vscode from 'vscode';
import { portOf, type Secret, type ServerProfile } from './model/profiles';

const KEY_PREFIX = 'jetstream.server.';

export class ServerSecrets {
  /** The stored text of each key as this window last read or wrote it. */
  private readonly known = new Map<string, string | undefined>();
  /** How often this window stored or deleted each key: a read that began before a write is stale. */
  private readonly writes = new Map<string, number>();

  constructor(
    private readonly storage: vscode.SecretStorage,
    /** The profiles as configured now, to tell whose secret changed. */
    private readonly profiles: () => readonly ServerProfile[],
  ) {}

  /**
   * A secret belongs to a server profile's name, where it points and its user together: a profile
   * edited to point elsewhere, or one of the same name pointing elsewhere, never gets it.
   */
  private key(profile: ServerProfile): string {
    const where = profile.transport === 'http' ? (profile.url ?? '') : `${profile.host}:${portOf(profile)}`;
    return `${KEY_PREFIX}${JSON.stringify([profile.name, profile.transport, where, profile.user ?? ''])}`;
  }

  /**
   * Fires with a profile's name when its stored secret became different from what this window knows:
   * another window signed in. This window's own Sign In does not fire it, so a password refused just
   * now is not tried a second time because it was stored.
   */
  onDidChange(listener: (profile: string) => void): vscode.Disposable {
    return this.storage.onDidChange(async (e) => {
      const writes = this.writesOf(e.key);
      const raw = await this.storage.get(e.key);
      // This window wrote the key meanwhile: its own write's event follows, and is compared then.
      if (this.writesOf(e.key) !== writes) return;
      if (this.known.has(e.key) && this.known.get(e.key) === raw) return;
      this.known.set(e.key, raw);
      for (const p of this.profiles()) if (this.key(p) === e.key) listener(p.name);
    });
  }

  async get(profile: ServerProfile): Promise<Secret | undefined> {
    const key = this.key(profile);
    const writes = this.writesOf(key);
    const raw = await this.storage.get(key);
    // A read that began before this window's Sign In must not make the old value known: the store's own
    // change event would then look like another window's, and try the new password a second time.
    if (this.writesOf(key) === writes) this.known.set(key, raw);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Secret;
      return typeof parsed === 'object' && parsed ? { password: parsed.password, token: parsed.token } : undefined;
    } catch {
      return undefined;
    }
  }

  store(profile: ServerProfile, secret: Secret): Thenable<void> {
    const raw = JSON.stringify(secret);
    this.wrote(this.key(profile), raw);
    return this.storage.store(this.key(profile), raw);
  }

  delete(profile: ServerProfile): Thenable<void> {
    this.wrote(this.key(profile), undefined);
    return this.storage.delete(this.key(profile));
  }

  private wrote(key: string, raw: string | undefined): void {
    this.known.set(key, raw);
    this.writes.set(key, this.writesOf(key) + 1);
  }

  private writesOf(key: string): number {
    return this.writes.get(key) ?? 0;
  }
}

/** Asks for a password or an API token; undefined when the user cancels. */
export async function askSecret(server: string, user: string | undefined, reason?: string): Promise<Secret | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t("Sign in to '{0}'", server),
    prompt: reason ?? vscode.l10n.t('Password for user {0}, or an API token starting with "token:"', user ?? ''),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.length === 0 ? vscode.l10n.t('Enter the password, or press Escape to cancel.') : undefined),
  });
  if (value === undefined) return undefined;
  return value.startsWith('token:') ? { token: value.slice('token:'.length) } : { password: value };
}
