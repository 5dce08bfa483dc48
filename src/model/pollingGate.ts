/**
 * The one owner of "should we poll": with auto-refresh on, someone can see live data (the tree or a
 * details panel) in a focused window, or alerts are on (the user asked to hear of trouble unseen). Each part is set by the code that knows it; the gate alone
 * decides, and says when the decision changes.
 */
import { Emitter } from './events';

export interface PollingParts {
  treeVisible: boolean;
  panelVisible: boolean;
  windowFocused: boolean;
  autoRefresh: boolean;
  alerts: boolean;
}

export class PollingGate {
  private parts: PollingParts = { treeVisible: false, panelVisible: false, windowFocused: true, autoRefresh: true, alerts: false };
  private readonly emitter = new Emitter<boolean>();
  readonly onDidChange = this.emitter.event;

  set(change: Partial<PollingParts>): void {
    const before = this.active;
    this.parts = { ...this.parts, ...change };
    if (this.active !== before) this.emitter.fire(this.active);
  }

  get active(): boolean {
    const p = this.parts;
    return p.autoRefresh && (((p.treeVisible || p.panelVisible) && p.windowFocused) || p.alerts);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
