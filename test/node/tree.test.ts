/**
 * The tree provider's change handling, with the real mirror and engine (the worker run from TypeScript)
 * against a server that answers what each test lists: which nodes a snapshot fires is what VS Code
 * repaints, so a moved rate fires one row, a sort keeps its order between list changes, and the row
 * under the pointer keeps its tooltip while only its numbers move.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { NO_FILTER, parseFilter } from '../../src/model/filter';
import { DestinationMirror } from '../../src/model/mirror';
import { DestinationsTreeProvider, type Node } from '../../src/views/tree';
import { idOfNode } from '../../src/views/treeNodes';
import { record, T } from '../fixtures/records';
import { startCannedServer, type CannedServer } from '../support/cannedServer';

let list: Record<string, unknown>[] = [];
let canned: CannedServer;
before(async () => {
  canned = await startCannedServer((command) => (command === 'send.getDestinations' ? { result: list } : undefined));
});
after(() => canned.close());

const at = (i: number, over: Record<string, unknown> = {}) => record(i, { snapshotTime: T, ...over });

async function treeFor(initial: Record<string, unknown>[]) {
  list = initial;
  const mirror = new DestinationMirror({
    script: path.join(__dirname, '../support/worker-from-source.cjs'),
    secret: async () => undefined,
    log: () => undefined,
  });
  const tree = new DestinationsTreeProvider(mirror);
  const fired: (Node | undefined)[][] = [];
  tree.onDidChangeTreeData((e) => fired.push(Array.isArray(e) ? e : [e]));
  mirror.setPolling({ active: false, intervalMs: 1000, timeoutMs: 10_000 });
  mirror.setProfiles([{ name: 'lab', transport: 'http', url: canned.url, superuser: false }]);
  const settled = () => new Promise<void>((resolve) => setTimeout(resolve, 50));
  while (mirror.server('lab')?.summary.phase !== 'ok') await settled();
  /** Paints what VS Code would show: the servers, and each server's rows. */
  const paint = () => {
    for (const s of tree.getChildren()) {
      tree.getTreeItem(s);
      for (const c of tree.getChildren(s)) tree.getTreeItem(c);
    }
  };
  paint();
  /** A new snapshot, and the ids of the nodes it fired. */
  const snapshot = async (next: Record<string, unknown>[]) => {
    list = next;
    fired.length = 0;
    await mirror.request({ op: 'refresh', server: 'lab', manual: false });
    await settled();
    const ids = fired.flat().map((n) => (n ? idOfNode(n) : 'root'));
    paint();
    return ids;
  };
  const rowsInOrder = () => tree.getChildren(tree.serverNode('lab')).map((n) => (n.kind === 'destination' ? n.destinationId : n.kind));
  const dispose = () => {
    tree.dispose();
    mirror.dispose();
  };
  return { mirror, tree, paint, snapshot, rowsInOrder, dispose };
}

const rowId = (i: number) => idOfNode({ kind: 'destination', server: 'lab', destinationId: `d-${i}` });
const serverId = idOfNode({ kind: 'server', server: 'lab' });

describe('the tree provider', () => {
  it('repaints only the row whose rate moved, and the server when a destination goes', async (t) => {
    const five = [0, 1, 2, 3, 4].map((i) => at(i));
    const { snapshot, dispose } = await treeFor(five);
    t.after(dispose);
    assert.deepEqual(await snapshot(five.map((d, i) => (i === 2 ? { ...d, sendRateAverage: 5e6 } : d))), [rowId(2)]);
    assert.deepEqual(await snapshot(five.map((d, i) => (i === 2 ? { ...d, sendRateAverage: 5e6 } : d))), [], 'nothing new, nothing fired');
    assert.deepEqual(await snapshot(five.slice(0, 4)), [serverId], 'a destination went: its server repaints its list');
  });

  it('keeps a rate sort between list changes, so rows do not move under the pointer every second', async (t) => {
    const rates = [10, 20, 30, 40];
    const { tree, paint, snapshot, rowsInOrder, dispose } = await treeFor(rates.map((r, i) => at(i, { sendRateAverage: r })));
    t.after(dispose);
    tree.setView(NO_FILTER, 'rate');
    paint();
    assert.deepEqual(rowsInOrder(), ['d-3', 'd-2', 'd-1', 'd-0']);
    const fired = await snapshot(rates.map((r, i) => at(i, { sendRateAverage: i === 0 ? 100 : r })));
    assert.ok(!fired.includes(serverId), 'a moved rate alone does not re-sort the server');
    assert.deepEqual(rowsInOrder(), ['d-3', 'd-2', 'd-1', 'd-0']);
    tree.resort('lab');
    assert.deepEqual(rowsInOrder(), ['d-0', 'd-3', 'd-2', 'd-1'], 'a manual refresh sorts afresh');
  });

  it('counts the rows a new filter shows at once, before VS Code asks for them', async (t) => {
    const four = [0, 1, 2, 3].map((i) => at(i, i < 2 ? { lastError: 5, lastErrorMessage: 'disk full' } : {}));
    const { tree, dispose } = await treeFor(four);
    t.after(dispose);
    const parsed = parseFilter('status:error');
    assert.ok('filter' in parsed);
    tree.setView(parsed.filter, 'address');
    // The view's message and the filter row are written right after setView, before any getChildren.
    assert.deepEqual(tree.counts(), { shown: 2, total: 4 });
  });

  it('keeps an expanded row expanded after a filter and a sort', async (t) => {
    const { tree, dispose } = await treeFor([0, 1, 2].map((i) => at(i, { userData: { team: `t${i}` } })));
    t.after(dispose);
    const node = tree.destinationNode('lab', 'd-1');
    const state = () => tree.getTreeItem(tree.destinationNode('lab', 'd-1')).collapsibleState;
    assert.equal(state(), vscode.TreeItemCollapsibleState.Collapsed, 'a row with userData starts folded');
    tree.setExpanded(node, true); // as VS Code reports the user's click on its twistie
    const words = parseFilter('example');
    assert.ok('filter' in words);
    tree.setView(words.filter, 'rate');
    tree.getChildren(tree.serverNode('lab'));
    assert.equal(state(), vscode.TreeItemCollapsibleState.Expanded, 'still expanded after the filter and the sort');
    tree.setView(NO_FILTER, 'address');
    assert.equal(state(), vscode.TreeItemCollapsibleState.Expanded);
  });

  it("shows the server row's error count, and its change when a destination fails", async (t) => {
    const { tree, snapshot, dispose } = await treeFor(
      [0, 1, 2].map((i) => at(i, i === 0 ? { lastError: 5, lastErrorMessage: 'disk full' } : {})),
    );
    t.after(dispose);
    const description = () => String(tree.getTreeItem(tree.serverNode('lab')).description);
    assert.match(description(), /\b1 error\b/);
    const fired = await snapshot([0, 1, 2].map((i) => at(i, i < 2 ? { lastError: 5, lastErrorMessage: 'disk full' } : {})));
    assert.ok(fired.includes(serverId), 'the server row repainted');
    assert.match(description(), /\b2 errors\b/);
  });

  it('keeps the hovered row from repainting while only its numbers move, but not a new status', async (t) => {
    const three = [0, 1, 2].map((i) => at(i));
    const { tree, snapshot, dispose } = await treeFor(three);
    t.after(dispose);
    const node = tree.destinationNode('lab', 'd-1');
    await tree.resolveTreeItem(tree.getTreeItem(node), node);
    assert.deepEqual(await snapshot(three.map((d) => ({ ...d, sendRateAverage: 777 }))), [rowId(0), rowId(2)]);
    const failing = await snapshot(
      three.map((d, i) => ({ ...d, sendRateAverage: 777, ...(i === 1 ? { lastError: 5, lastErrorMessage: 'disk full' } : {}) })),
    );
    assert.ok(failing.includes(rowId(1)) || failing.includes(serverId), 'an error shows at once, hover or not');
  });
});
