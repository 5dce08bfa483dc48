/**
 * The polling gate: live data is fetched only while someone can see it (the tree or a panel) in a
 * focused window, or alerts are on, and auto-refresh is on; the engine is told once per change of that decision.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PollingGate } from '../../src/model/pollingGate';

function watched() {
  const gate = new PollingGate();
  const heard: boolean[] = [];
  gate.onDidChange((active) => heard.push(active));
  return { gate, heard };
}

describe('PollingGate', () => {
  it('polls nothing until the tree or a panel is visible', () => {
    const { gate, heard } = watched();
    assert.equal(gate.active, false, 'at start nobody sees the data');
    gate.set({ treeVisible: true });
    assert.equal(gate.active, true);
    gate.set({ treeVisible: false, panelVisible: true });
    assert.equal(gate.active, true, 'a details panel alone keeps its destination live');
    gate.set({ panelVisible: false });
    assert.equal(gate.active, false);
    assert.deepEqual(heard, [true, false]);
  });

  it('pauses while the window is not focused, and resumes when it is again', () => {
    const { gate, heard } = watched();
    gate.set({ treeVisible: true });
    gate.set({ windowFocused: false });
    assert.equal(gate.active, false);
    gate.set({ windowFocused: true });
    assert.deepEqual(heard, [true, false, true]);
  });

  it('stays off with auto-refresh off, whatever is visible or focused', () => {
    const { gate, heard } = watched();
    gate.set({ autoRefresh: false });
    gate.set({ treeVisible: true, panelVisible: true, windowFocused: true });
    assert.equal(gate.active, false);
    assert.deepEqual(heard, []);
    gate.set({ autoRefresh: true });
    assert.deepEqual(heard, [true]);
  });

  it('goes on polling with nothing visible and the window unfocused while alerts are on, not with auto-refresh off', () => {
    const { gate, heard } = watched();
    gate.set({ alerts: true });
    assert.equal(gate.active, true, 'alerts on: trouble is looked for with the view hidden');
    gate.set({ windowFocused: false });
    assert.equal(gate.active, true, 'and in another window');
    gate.set({ autoRefresh: false });
    assert.equal(gate.active, false, 'auto-refresh off stops every poll');
    gate.set({ autoRefresh: true, alerts: false });
    assert.equal(gate.active, false);
    assert.deepEqual(heard, [true, false]);
  });

  it('says nothing when a change leaves the decision as it was', () => {
    const { gate, heard } = watched();
    gate.set({ treeVisible: true });
    gate.set({ panelVisible: true });
    gate.set({ treeVisible: false });
    gate.set({ treeVisible: true, panelVisible: false });
    assert.deepEqual(heard, [true], 'one panel closing while the tree shows does not restart polling');
  });
});
