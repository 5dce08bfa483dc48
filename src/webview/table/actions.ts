/** What the user does to the table's selection: the action buttons, and every key the grid answers. */
import type { TableModel } from '../../model/tableModel';
import type { Move, TableSelection } from '../../model/tableSelection';
import { h } from '../dom';
import * as l10n from '../strings';
import type { FromTable } from '../tableProtocol';
import type { Grid } from './grid';

type Action = 'open' | 'delete' | 'setUserData' | 'removeUserData';

const MOVES: Record<string, Move> = { ArrowUp: 'up', ArrowDown: 'down', PageUp: 'pageUp', PageDown: 'pageDown', Home: 'home', End: 'end' };

export class SelectionActions {
  readonly buttons: Record<Action, HTMLButtonElement>;

  constructor(
    private readonly model: TableModel,
    private readonly selection: TableSelection,
    private readonly grid: Grid,
    private readonly post: (m: FromTable) => void,
    private readonly schedule: () => void,
  ) {
    const button = (action: Action, text: string, title: string) => {
      const b = h('button', { type: 'button', id: `action-${action}`, text, title, disabled: true });
      b.addEventListener('click', () => this.act(action));
      return b;
    };
    this.buttons = {
      open: button('open', l10n.t('Open Details'), l10n.t('Open the details of the focused destination (Enter)')),
      delete: button('delete', l10n.t('Delete…'), l10n.t('Delete the selected destinations (Delete)')),
      setUserData: button('setUserData', l10n.t('Set userData…'), l10n.t('Set a userData key on the selected destinations (F2)')),
      removeUserData: button(
        'removeUserData',
        l10n.t('Remove userData…'),
        l10n.t('Remove a userData key from the selected destinations (Shift+F2)'),
      ),
    };
  }

  /** Each button enabled when it has something to act on. */
  update(): void {
    const some = this.selection.selected.size > 0;
    this.buttons.open.disabled = this.target() === undefined;
    this.buttons.delete.disabled = this.buttons.setUserData.disabled = this.buttons.removeUserData.disabled = !some;
  }

  /** The row Open acts on: the focused one, else the first selected. */
  private target(): number | undefined {
    const focus = this.selection.focus;
    if (focus !== undefined && this.model.isShown(focus)) return focus;
    return this.selection.selected.size ? this.selection.inOrder(this.model.shown)[0] : undefined;
  }

  private act(action: Action): void {
    if (action === 'open') {
      const n = this.target();
      if (n !== undefined) this.post({ type: 'open', n });
      return;
    }
    const rows = this.selection.inOrder(this.model.shown);
    if (rows.length) this.post({ type: action, rows });
  }

  /**
   * The grid's keys: arrows, Shift and Ctrl/Cmd select, Space toggles, Ctrl/Cmd+A selects all, Enter
   * opens, Delete deletes, F2 sets a userData key and Shift+F2 removes one.
   */
  key(e: KeyboardEvent): void {
    const toggle = e.ctrlKey || e.metaKey;
    const move = MOVES[e.key];
    if (move) {
      e.preventDefault();
      const n = this.selection.move(move, this.model.shown, { range: e.shiftKey, toggle }, this.grid.pageRows);
      if (n !== undefined) this.grid.scrollToIndex(this.model.shown.indexOf(n));
    } else if (e.key === ' ') {
      e.preventDefault();
      this.selection.toggleFocused(this.model.shown);
    } else if (toggle && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      this.selection.selectAll(this.model.shown);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.act('open');
    } else if (e.key === 'Delete' || (e.metaKey && e.key === 'Backspace')) {
      e.preventDefault();
      this.act('delete');
    } else if (e.key === 'F2') {
      e.preventDefault();
      this.act(e.shiftKey ? 'removeUserData' : 'setUserData');
    } else if (e.key === 'Escape' && this.selection.selected.size) {
      e.preventDefault();
      this.selection.clear();
    } else return;
    this.schedule();
  }
}
