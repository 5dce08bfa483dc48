/**
 * Guided inputs of several steps (Add Server, Edit Server, Create Destination): each step shows
 * "Step n of m" and a Back button, validates as the user types (saying what it understood), and
 * Escape cancels the whole flow. After the quickinput sample of vscode-extension-samples.
 */
import * as vscode from 'vscode';

class Back extends Error {}
class Cancelled extends Error {}

/** One step: asks, stores what it got, and says which step comes next (none: done). */
export type Step = (input: MultiStepInput) => Promise<Step | undefined>;

export interface BoxOptions {
  title: string;
  step: number;
  totalSteps: number;
  prompt: string;
  value?: string | undefined;
  placeholder?: string | undefined;
  password?: boolean | undefined;
  /** An error to refuse the text, or words saying what was understood (shown as information), or nothing. */
  validate?: (text: string) => { error: string } | { understood: string } | undefined;
}

export interface PickOptions<T extends vscode.QuickPickItem> {
  title: string;
  step: number;
  totalSteps: number;
  placeholder: string;
  items: T[];
  active?: T | undefined;
  canPickMany?: boolean;
  selected?: T[] | undefined;
}

export class MultiStepInput {
  private readonly history: Step[] = [];

  /** Runs a flow to its end; false when the user cancelled it. */
  static async run(start: Step): Promise<boolean> {
    const input = new MultiStepInput();
    let step: Step | undefined = start;
    while (step) {
      input.history.push(step);
      try {
        step = await step(input);
      } catch (e) {
        if (e instanceof Back) {
          input.history.pop();
          step = input.history.pop();
          if (!step) return false;
        } else if (e instanceof Cancelled) return false;
        else throw e;
      }
    }
    return true;
  }

  private get canGoBack(): boolean {
    return this.history.length > 1;
  }

  showInputBox(o: BoxOptions): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const box = vscode.window.createInputBox();
      box.title = o.title;
      box.step = o.step;
      box.totalSteps = o.totalSteps;
      box.prompt = o.prompt;
      box.value = o.value ?? '';
      box.placeholder = o.placeholder;
      box.password = o.password ?? false;
      box.ignoreFocusOut = true;
      box.buttons = this.canGoBack ? [vscode.QuickInputButtons.Back] : [];
      const check = (text: string) => {
        const r = o.validate?.(text);
        box.validationMessage =
          r && 'error' in r
            ? r.error
            : r && 'understood' in r
              ? { message: r.understood, severity: vscode.InputBoxValidationSeverity.Info }
              : undefined;
        return !(r && 'error' in r);
      };
      let done = false;
      const disposables = [
        box.onDidChangeValue(check),
        box.onDidAccept(() => {
          if (!check(box.value)) return;
          done = true;
          box.hide();
          resolve(box.value);
        }),
        box.onDidTriggerButton(() => {
          done = true;
          box.hide();
          reject(new Back());
        }),
        box.onDidHide(() => {
          disposables.forEach((d) => d.dispose());
          box.dispose();
          if (!done) reject(new Cancelled());
        }),
      ];
      check(box.value);
      box.show();
    });
  }

  showQuickPick<T extends vscode.QuickPickItem>(o: PickOptions<T> & { canPickMany: true }): Promise<T[]>;
  showQuickPick<T extends vscode.QuickPickItem>(o: PickOptions<T>): Promise<T>;
  showQuickPick<T extends vscode.QuickPickItem>(o: PickOptions<T>): Promise<T | T[]> {
    return new Promise((resolve, reject) => {
      const pick = vscode.window.createQuickPick<T>();
      pick.title = o.title;
      pick.step = o.step;
      pick.totalSteps = o.totalSteps;
      pick.placeholder = o.placeholder;
      pick.items = o.items;
      pick.canSelectMany = o.canPickMany ?? false;
      pick.ignoreFocusOut = true;
      if (o.active) pick.activeItems = [o.active];
      if (o.selected) pick.selectedItems = o.selected;
      pick.buttons = this.canGoBack ? [vscode.QuickInputButtons.Back] : [];
      let done = false;
      const disposables = [
        pick.onDidAccept(() => {
          const chosen = pick.canSelectMany ? [...pick.selectedItems] : pick.activeItems[0];
          if (!chosen) return;
          done = true;
          pick.hide();
          resolve(chosen);
        }),
        pick.onDidTriggerButton(() => {
          done = true;
          pick.hide();
          reject(new Back());
        }),
        pick.onDidHide(() => {
          disposables.forEach((d) => d.dispose());
          pick.dispose();
          if (!done) reject(new Cancelled());
        }),
      ];
      pick.show();
    });
  }
}
