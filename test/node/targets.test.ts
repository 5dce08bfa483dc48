/**
 * What a command acts on, whatever VS Code or a script hands it: its own nodes are used, anything else
 * (a Uri, a string, a malformed node) is ignored in favour of the tree's selection, then the active
 * panel, then a picker that lists destinations as the tree does, with status and server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import type { ListedDestination } from '../../src/api/schemas';
import { destinationOf, destinationsOf, entryOf, pickServer, serverOf, type Targets } from '../../src/commands/targets';
import { NO_FILTER } from '../../src/model/filter';
import type { DestinationMirror, ServerView } from '../../src/model/mirror';
import { toRow } from '../../src/model/rows';
import type { PanelTarget } from '../../src/views/detailsPanel';
import { DestinationsTreeProvider } from '../../src/views/tree';
import type { Node } from '../../src/views/treeNodes';
import { record, T } from '../fixtures/records';
import { window } from '../support/vscode-stub';

function view(name: string, records: Record<string, unknown>[]): ServerView {
  const rows = new Map(records.map((r) => toRow(r as ListedDestination, T, (s) => s)).map((row) => [row.key, row]));
  return {
    profile: { name, transport: 'http', url: `http://${name}.example:8886`, superuser: false },
    summary: {
      phase: 'ok',
      credentialsRefused: false,
      superuserRefused: false,
      count: rows.size,
      anomalies: 0,
      duplicates: 0,
      lastRefreshMs: 0,
      intervalMs: 1000,
    },
    error: undefined,
    rows,
    errors: [...rows.values()].filter((r) => r.status === 'error').length,
  };
}

/** Every quick pick shown, and the answer each gets: the first item, as a user pressing Enter. */
const picks: { items: vscode.QuickPickItem[] }[] = [];
window.showQuickPick = async (items: vscode.QuickPickItem[]) => {
  picks.push({ items });
  return items[0];
};
window.showInformationMessage = async () => undefined;

/** Two servers, lab (three destinations, d-1 in error, sorted by rate) and far (one); a selection and a panel. */
function setup(selection: Node[] = [], active?: PanelTarget) {
  picks.length = 0;
  const rates = [50, 300, 10];
  const views = [
    view(
      'lab',
      [0, 1, 2].map((i) =>
        record(i, { snapshotTime: T, sendRateAverage: rates[i], ...(i === 1 ? { lastError: 7, lastErrorMessage: 'refused' } : {}) }),
      ),
    ),
    view('far', [record(9, { snapshotTime: T })]),
  ];
  const none = () => ({ dispose: () => undefined });
  const mirror = {
    servers: () => views,
    server: (name: string) => views.find((v) => v.profile.name === name),
    row: (server: string, key: string) => views.find((v) => v.profile.name === server)?.rows.get(key),
    invalid: () => [],
    onDidChange: none,
    onDidChangeServers: none,
  } as unknown as DestinationMirror;
  const tree = new DestinationsTreeProvider(mirror);
  tree.setView(NO_FILTER, 'rate');
  const t = { mirror, tree, treeView: { selection } as unknown as vscode.TreeView<Node>, panels: { active } } as unknown as Targets;
  return { t, tree };
}

const lab = (destinationId: string): Node => ({ kind: 'destination', server: 'lab', destinationId });
const uri = {
  scheme: 'file',
  path: '/w/lab.jetstream.json',
  fsPath: '/w/lab.jetstream.json',
  toString: () => 'file:///w/lab.jetstream.json',
};

describe('command arguments', () => {
  it('ignores what is not its own (a Uri, a string, a number, null, a malformed node) and uses the selected row', async () => {
    for (const arg of [undefined, uri, 'jetstream', 42, null, { kind: 'destination' }, { kind: 'userData', server: 'lab' }, [], ['x']]) {
      const { t } = setup([lab('d-2')]);
      const what = JSON.stringify(arg) ?? String(arg);
      assert.deepEqual(await destinationOf(t, arg), { server: 'lab', key: 'd-2' }, what);
      assert.equal(await serverOf(t, arg), 'lab', what);
      assert.equal(picks.length, 0, `${what}: nothing asked`);
    }
  });

  it('uses a clicked node, an array of nodes, a plain target, and every selected row when the clicked one is among them', async () => {
    const { t } = setup([lab('d-0')]);
    assert.deepEqual(await destinationOf(t, lab('d-2')), { server: 'lab', key: 'd-2' }, 'the clicked row, not the selection');
    assert.deepEqual(await destinationsOf(t, [lab('d-1'), lab('d-2')], undefined), [
      { server: 'lab', key: 'd-1' },
      { server: 'lab', key: 'd-2' },
    ]);
    assert.deepEqual(await destinationOf(t, { server: 'far', destinationId: 'd-9' }), { server: 'far', key: 'd-9' });
    const [a, b, c] = [lab('d-0'), lab('d-1'), lab('d-2')];
    assert.deepEqual(await destinationsOf(t, b, [a, b]), [
      { server: 'lab', key: 'd-0' },
      { server: 'lab', key: 'd-1' },
    ]);
    assert.deepEqual(
      await destinationsOf(t, c, [a, b]),
      [{ server: 'lab', key: 'd-2' }],
      'a click outside the selection acts on the clicked row',
    );
    const entry: Node = { kind: 'userData', server: 'lab', destinationId: 'd-1', key: 'team' };
    assert.deepEqual(await destinationOf(t, entry), { server: 'lab', key: 'd-1' }, "a userData row's destination");
    assert.equal(await entryOf(t, entry), entry);
    assert.equal(picks.length, 0);
  });

  it('takes the server of a problem or notice row, and asks among its destinations only', async () => {
    const { t } = setup();
    assert.equal(await serverOf(t, { kind: 'problem', server: 'far' }), 'far');
    assert.equal(await serverOf(t, { kind: 'notice', server: 'lab', notice: 'superuserRefused' }), 'lab');
    assert.deepEqual(await destinationOf(t, { kind: 'problem', server: 'far' }), { server: 'far', key: 'd-9' });
    assert.equal(picks.length, 1);
    assert.deepEqual(
      picks[0]!.items.map((i) => i.detail),
      ['d-9'],
      "only the problem row's server",
    );
  });

  it('asks for a server when the node names none (the filter row, an unreadable profile) or a server that is gone', async () => {
    for (const arg of [{ kind: 'filter' }, { kind: 'invalidProfile', index: 0 }, { kind: 'server', server: 'gone' }]) {
      const { t } = setup();
      assert.equal(await serverOf(t, arg), 'lab', JSON.stringify(arg));
      assert.deepEqual(
        picks[0]!.items.map((i) => i.label),
        ['lab', 'far'],
      );
    }
  });
});

describe('palette pickers', () => {
  it('with no argument use the selected row, then the active panel, and only then ask', async () => {
    const panel = { server: 'far', key: 'd-9' };
    assert.deepEqual(await destinationOf(setup([lab('d-0')], panel).t, undefined), { server: 'lab', key: 'd-0' }, 'the selection first');
    assert.deepEqual(await destinationOf(setup([], panel).t, undefined), panel, "then the active panel's destination");
    assert.deepEqual(
      await destinationOf(setup([{ kind: 'server', server: 'lab' }], panel).t, undefined),
      panel,
      'a selected server row names no destination',
    );
    assert.equal(await serverOf(setup([], panel).t, undefined), 'far', "the active panel's server");
    assert.equal(picks.length, 0);
  });

  it('list destinations in the order of the tree, with their status and server', async () => {
    const { t, tree } = setup();
    await destinationOf(t, undefined);
    const items = picks[0]!.items;
    const shown = (server: string) =>
      tree.getChildren(tree.serverNode(server)).map((n) => (n.kind === 'destination' ? n.destinationId : n.kind));
    assert.deepEqual(
      items.map((i) => i.detail),
      [...shown('lab'), ...shown('far')],
      'the order the tree shows (by rate)',
    );
    assert.deepEqual(
      items.map((i) => i.detail),
      ['d-1', 'd-0', 'd-2', 'd-9'],
    );
    assert.match(items[0]!.description!, /^lab · error/);
    assert.match(items[1]!.description!, /^lab · connected/);
    assert.match(items[3]!.description!, /^far · connected/);
    assert.match(items[0]!.label, /^\$\([a-z-]+\) rx-1\.example\.com/);
  });

  it('list servers as the tree does, with their destinations and errors', async () => {
    const { t } = setup();
    await pickServer(t);
    assert.deepEqual(
      picks[0]!.items.map((i) => [i.label, i.detail]),
      [
        ['lab', '3 destinations, 1 in error'],
        ['far', '1 destination'],
      ],
    );
  });
});
