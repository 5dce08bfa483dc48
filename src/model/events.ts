/** A minimal event emitter with the shape of vscode.Event, so the model needs no VS Code. */
export interface Disposable {
  dispose(): void;
}
export type Listener<T> = (event: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

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
        console.error('JetStream: an event listener failed:', e);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
