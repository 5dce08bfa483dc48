/**
 * The status bar item as the user reads it: connected servers counted as connected, icons that are not
 * the Problems counter's, and a background only when a server fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerSummary } from '../../src/model/engine/protocol';
import type { DestinationMirror, ServerView } from '../../src/model/mirror';
import { ServerStatusBar } from '../../src/views/statusBar';
import type { StatusBarItem } from '../support/vscode-stub';

function server(name: string, phase: ServerSummary['phase'], errors: number): ServerView {
  const summary: ServerSummary = {
    phase,
    credentialsRefused: false,
    superuserRefused: false,
    count: 4,
    anomalies: 0,
    duplicates: 0,
    lastRefreshMs: 0,
    intervalMs: 1000,
  };
  return {
    profile: { name, transport: 'http', url: 'http://127.0.0.1:1', superuser: false },
    summary,
    error: undefined,
    rows: new Map(),
    errors,
  };
}

/** The item the bar shows for these servers. */
function shown(servers: ServerView[]): StatusBarItem {
  const none = () => ({ dispose: () => undefined });
  const mirror = { servers: () => servers, onDidChange: none, onDidChangeServers: none } as unknown as DestinationMirror;
  const bar = new ServerStatusBar(mirror);
  return (bar as unknown as { item: StatusBarItem }).item;
}

const PROBLEMS_ICONS = /\$\((error|warning)\)/;

describe('the status bar', () => {
  it('counts a connected server whose destinations have errors as connected, quietly', () => {
    const item = shown([server('lab', 'ok', 3)]);
    assert.ok(item.visible);
    assert.match(item.text, /^\$\(broadcast\) 1\/1 /);
    assert.match(item.text, /3$/, 'the destinations in error are counted');
    assert.doesNotMatch(item.text, PROBLEMS_ICONS, 'not the Problems counter');
    assert.equal(item.backgroundColor, undefined, 'destinations in error are not urgent');
    assert.match(String(item.tooltip), /1 of 1 servers connected/);
    assert.match(String(item.tooltip), /3 destinations in error/);
  });

  it('puts a failing server on the warning background, still without the Problems icons', () => {
    const item = shown([server('lab', 'ok', 0), server('far', 'error', 0)]);
    assert.match(item.text, /^\$\(broadcast\) 1\/2 \$\([a-z-]+\) 1$/);
    assert.doesNotMatch(item.text, PROBLEMS_ICONS);
    assert.equal(item.backgroundColor?.id, 'statusBarItem.warningBackground');
  });

  it('is hidden with no server configured', () => {
    assert.equal(shown([]).visible, false);
  });
});
