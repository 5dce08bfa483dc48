/**
 * The parts of the `vscode` API the tree provider and activation touch, for benchmarks outside VS Code.
 * Classes that hold data (TreeItem, EventEmitter, …) behave like the real ones; every other API is a
 * recording no-op, so activation runs its own code and nothing else.
 */
export class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  event = (listener: (e: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  command?: unknown;
  contextValue?: string;
  accessibilityInformation?: unknown;
  constructor(
    public label: string,
    public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  value = '';
  isTrusted = false;
  supportHtml = false;
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
    return this;
  }
}

export const l10n = {
  t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])),
};

/** A status bar item that keeps what it is given, so a test reads what the user would see. */
export class StatusBarItem {
  name?: string;
  text = '';
  tooltip?: unknown;
  command?: unknown;
  backgroundColor?: ThemeColor;
  accessibilityInformation?: unknown;
  visible = false;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

/**
 * Anything else: callable, constructible, every property another no-op; events hand back disposables.
 * A property a test sets (a `window.showQuickPick` that answers) is kept and read back.
 */
function noop(own: Record<string | symbol, unknown> = {}): unknown {
  const target = function () {} as unknown as object;
  return new Proxy(target, {
    get: (_t, prop) => (prop in own ? own[prop] : prop === 'then' ? undefined : prop === 'dispose' ? () => undefined : noop()),
    set: (_t, prop, value) => {
      own[prop] = value;
      return true;
    },
    apply: () => noop(),
    construct: () => noop() as object,
  });
}

export const window = noop({ createStatusBarItem: () => new StatusBarItem() }) as Record<string, unknown>;
export const workspace = noop() as Record<string, unknown>;
export const commands = noop() as Record<string, unknown>;
export const env = noop() as Record<string, unknown>;
export const Uri = noop();
export const ViewColumn = { Active: -1 };
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ConfigurationTarget = { Global: 1 };
export const ProgressLocation = { Notification: 15 };
