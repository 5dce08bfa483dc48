/** A minimal event emitter with the shape of vscode.Event, so the model needs no VS Code. */
export interface Disposable {
  dispose(): void;
}
export type Listener<T> = (event: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

/** Where a failing listener is reported: the extension points it at its log. */
let report: (error: unknown) => void = (e) => console.error('JetStream: an event listener failed:', e);

export function reportListenerErrors(to: (error: unknown) => void): void {
  report = to;
}

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Every listener hears the event: one that throws is reported and does not stop the others. */
  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (e) {
        report(e);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
