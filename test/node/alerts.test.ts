/**
 * Alerts as model/alerts.ts decides them, with the clock handed in: each condition (error entered,
 * disconnected longer than N s, queue above N), one alert per destination and condition until it
 * clears, several at once shown in one notification, clearing (the condition ends, the destination
 * is deleted, the server removed, the setting turned off), and a flapping destination that never storms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertTracker, alertSettings, type AlertEvents, type AlertSettings } from '../../src/model/alerts';
import type { Row } from '../../src/model/engine/protocol';

function row(key: string, status: Row['status'] = 'connected', numTransfersQueued = 0, error = ''): Row {
  return {
    key,
    id: Number(key),
    label: `rx-${key}.example.com`,
    address: `rx-${key}.example.com`,
    port: 8886,
    sortKey: key,
    status,
    sendRateAverage: 0,
    sendRateMax: 1000,
    numTransfersQueued,
    owner: 'demo',
    error: status === 'error' ? error || 'Could not resolve host name' : '',
    problem: '',
    userData: [],
  };
}

const ON: AlertSettings = { onError: true, disconnectedSeconds: 60, queueAbove: 100 };
const S = 1000;

function tracker(settings: Partial<AlertSettings> = {}) {
  const t = new AlertTracker({ clearAfterMs: 30 * S, notifyGapMs: 10 * S, queueClearShare: 0.8 });
  t.configure({ ...ON, ...settings });
  return t;
}

const names = (e: AlertEvents['notify']) => e.map((a) => `${a.server}/${a.key}/${a.condition}`);

describe('alerts: each condition', () => {
  it('a destination entering the error state raises one alert, with the error in the row’s words', () => {
    const t = tracker();
    t.observe('Lab', row('1'), 0);
    assert.deepEqual(t.tick(0).raised, []);
    t.observe('Lab', row('1', 'error', 0, 'Could not resolve host name rx-1.invalid'), 1 * S);
    const e = t.tick(1 * S);
    assert.deepEqual(names(e.raised), ['Lab/1/error']);
    assert.deepEqual(names(e.notify), ['Lab/1/error'], 'shown at once');
    assert.equal(e.notify[0]!.error, 'Could not resolve host name rx-1.invalid');
    assert.equal(e.notify[0]!.label, 'rx-1.example.com');
    assert.equal(t.count, 1);
  });

  it('a destination disconnected longer than N seconds raises, not before', () => {
    const t = tracker();
    t.observe('Lab', row('2', 'disconnected'), 0);
    assert.deepEqual(t.tick(30 * S).raised, []);
    assert.deepEqual(t.tick(60 * S).raised, [], 'exactly N seconds is not longer than N');
    const e = t.tick(61 * S);
    assert.deepEqual(names(e.raised), ['Lab/2/disconnected']);
    assert.equal(e.notify[0]!.threshold, 60);
  });

  it('a disconnection that ends before N seconds raises nothing, and a new one starts its own count', () => {
    const t = tracker();
    t.observe('Lab', row('2', 'disconnected'), 0);
    t.observe('Lab', row('2', 'connected'), 50 * S);
    t.observe('Lab', row('2', 'disconnected'), 55 * S);
    assert.deepEqual(t.tick(100 * S).raised, [], '45 s of the second disconnection');
    assert.deepEqual(names(t.tick(116 * S).raised), ['Lab/2/disconnected']);
  });

  it('negotiating without getting through counts as disconnected; so does an error while the error alert is off', () => {
    const t = tracker();
    t.observe('Lab', row('4', 'negotiating'), 0);
    t.observe('Lab', row('4', 'disconnected'), 20 * S);
    t.observe('Lab', row('4', 'negotiating'), 40 * S);
    assert.deepEqual(names(t.tick(61 * S).raised), ['Lab/4/disconnected']);

    const quiet = tracker({ onError: false });
    quiet.observe('Lab', row('5', 'error'), 0);
    assert.deepEqual(names(quiet.tick(61 * S).raised), ['Lab/5/disconnected']);

    const both = tracker();
    both.observe('Lab', row('5', 'error'), 0);
    assert.deepEqual(names(both.tick(61 * S).raised), ['Lab/5/error'], 'the error alert alone, not a second one for the same trouble');
  });

  it('a queue above N raises; at N it does not', () => {
    const t = tracker();
    t.observe('Lab', row('3', 'connected', 100), 0);
    assert.deepEqual(t.tick(0).raised, []);
    t.observe('Lab', row('3', 'connected', 101), 1 * S);
    const e = t.tick(1 * S);
    assert.deepEqual(names(e.raised), ['Lab/3/queue']);
    assert.equal(e.notify[0]!.queued, 101);
    assert.equal(e.notify[0]!.threshold, 100);
  });

  it('a condition whose setting is off raises nothing', () => {
    const t = tracker({ onError: false, disconnectedSeconds: 0, queueAbove: 0 });
    t.observe('Lab', row('1', 'error'), 0);
    t.observe('Lab', row('2', 'disconnected'), 0);
    t.observe('Lab', row('3', 'connected', 1_000_000), 0);
    assert.deepEqual(t.tick(3600 * S).raised, []);
    assert.equal(t.count, 0);
  });

  it('settings from JSON: anything but a positive number is off, onError only when true', () => {
    assert.deepEqual(alertSettings({ onError: 'yes', disconnectedSeconds: -5, queueAbove: Number.NaN }), {
      onError: false,
      disconnectedSeconds: 0,
      queueAbove: 0,
    });
    assert.deepEqual(alertSettings({ onError: true, disconnectedSeconds: 30, queueAbove: 5 }), {
      onError: true,
      disconnectedSeconds: 30,
      queueAbove: 5,
    });
  });
});

describe('alerts: one per destination and condition until it clears', () => {
  it('a destination staying in error is not raised again, however many snapshots say so', () => {
    const t = tracker();
    let raised = 0;
    let notified = 0;
    for (let s = 0; s < 600; s++) {
      t.observe('Lab', row('1', 'error'), s * S);
      const e = t.tick(s * S);
      raised += e.raised.length;
      notified += e.notify.length;
    }
    assert.equal(raised, 1);
    assert.equal(notified, 1);
    assert.equal(t.count, 1);
  });

  it('two conditions of one destination are two alerts; the same condition on two servers is two', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error', 500), 0);
    t.observe('Edge', row('1', 'error'), 0);
    assert.deepEqual(names(t.tick(0).raised).sort(), ['Edge/1/error', 'Lab/1/error', 'Lab/1/queue']);
    assert.equal(t.count, 3);
  });

  it('once cleared, the condition coming back is a new alert', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error'), 0);
    t.tick(0);
    t.observe('Lab', row('1', 'connected'), 1 * S);
    t.tick(31 * S);
    assert.equal(t.count, 0);
    t.observe('Lab', row('1', 'error'), 40 * S);
    const e = t.tick(40 * S);
    assert.deepEqual(names(e.raised), ['Lab/1/error']);
    assert.deepEqual(names(e.notify), ['Lab/1/error']);
  });
});

describe('alerts: several at once are one notification', () => {
  it('alerts raised in the same snapshot are shown together', () => {
    const t = tracker();
    for (let i = 1; i <= 40; i++) t.observe('Lab', row(String(i), 'error'), 0);
    t.observe('Edge', row('7', 'connected', 999), 0);
    const e = t.tick(0);
    assert.equal(e.raised.length, 41);
    assert.equal(e.notify.length, 41, 'all of them in one notification');
    assert.equal(t.count, 41);
  });

  it('alerts raised soon after a notification wait and come together in the next one', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error'), 0);
    assert.equal(t.tick(0).notify.length, 1);
    let shown = 0;
    const notifications: string[][] = [];
    for (let s = 1; s <= 30; s++) {
      // A destination fails every second: one notification per 10 s, not one per second.
      t.observe('Lab', row(String(100 + s), 'error'), s * S);
      const e = t.tick(s * S);
      if (e.notify.length) {
        shown++;
        notifications.push(names(e.notify));
      }
    }
    assert.equal(shown, 3, 'at 10, 20 and 30 s');
    assert.equal(notifications[0]!.length, 10, 'those raised from 1 to 10 s');
    assert.equal(notifications.flat().length, 30, 'every alert in exactly one notification');
  });

  it('an alert that cleared before its notification was due is not shown', () => {
    const t = tracker({ disconnectedSeconds: 0 });
    t.observe('Lab', row('1', 'error'), 0);
    t.tick(0);
    t.observe('Lab', row('2', 'error'), 1 * S);
    t.tick(1 * S);
    t.sync('Lab', [row('1', 'error')], 2 * S); // 2 deleted before the next notification
    const e = t.tick(10 * S);
    assert.deepEqual(e.notify, []);
    assert.deepEqual(
      e.cleared.map((c) => [c.alert.key, c.reason]),
      [['2', 'deleted']],
    );
  });
});

describe('alerts: clearing', () => {
  it('the condition ending clears the alert once it has stayed ended for the hold time', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error'), 0);
    t.tick(0);
    t.observe('Lab', row('1', 'connected'), 5 * S);
    assert.deepEqual(t.tick(34 * S).cleared, [], 'still within the hold');
    assert.equal(t.count, 1);
    const e = t.tick(35 * S);
    assert.deepEqual(
      e.cleared.map((c) => [c.alert.key, c.alert.condition, c.reason]),
      [['1', 'error', 'ended']],
    );
    assert.equal(t.count, 0);
  });

  it('a disconnected alert ends when the destination connects; a queue alert when the queue falls to 80 % of N', () => {
    const t = tracker();
    t.observe('Lab', row('2', 'disconnected'), 0);
    t.observe('Lab', row('3', 'connected', 150), 0);
    t.tick(61 * S);
    assert.equal(t.count, 2);
    t.observe('Lab', row('2', 'connected'), 62 * S);
    t.observe('Lab', row('3', 'connected', 81), 62 * S);
    t.tick(100 * S);
    assert.ok(!t.isActive('Lab', '2', 'disconnected'), 'connected again');
    assert.ok(t.isActive('Lab', '3', 'queue'), '81 is still above the lower mark of 80');
    t.observe('Lab', row('3', 'connected', 80), 101 * S);
    const e = t.tick(131 * S);
    assert.deepEqual(
      e.cleared.map((c) => c.alert.condition),
      ['queue'],
    );
    assert.equal(t.count, 0);
  });

  it('a deleted destination’s alerts clear at once', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error', 500), 0);
    t.observe('Lab', row('2', 'error'), 0);
    t.tick(0);
    t.sync('Lab', [row('2', 'error')], 1 * S);
    const e = t.tick(1 * S);
    assert.deepEqual(e.cleared.map((c) => [c.alert.key, c.alert.condition, c.reason]).sort(), [
      ['1', 'error', 'deleted'],
      ['1', 'queue', 'deleted'],
    ]);
    assert.deepEqual(
      t.active().map((a) => a.key),
      ['2'],
    );
    t.forget('Lab', '2');
    assert.equal(t.count, 0);
    assert.deepEqual(t.tick(100 * S).raised, [], 'a forgotten destination is not raised again from what was known of it');
  });

  it('a removed server’s alerts clear at once; the other servers keep theirs', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error'), 0);
    t.observe('Edge', row('1', 'error'), 0);
    t.tick(0);
    t.keepServers(['Edge']);
    const e = t.tick(1 * S);
    assert.deepEqual(
      e.cleared.map((c) => [c.alert.server, c.reason]),
      [['Lab', 'serverRemoved']],
    );
    assert.deepEqual(
      t.active().map((a) => a.server),
      ['Edge'],
    );
  });

  it('turning a setting off clears its alerts at once, and only its own', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error', 500), 0);
    t.observe('Lab', row('2', 'disconnected'), 0);
    t.tick(61 * S);
    assert.equal(t.count, 3);
    t.configure({ ...ON, queueAbove: 0 });
    let e = t.tick(62 * S);
    assert.deepEqual(
      e.cleared.map((c) => [c.alert.condition, c.reason]),
      [['queue', 'settingOff']],
    );
    t.configure({ onError: false, disconnectedSeconds: 0, queueAbove: 0 });
    e = t.tick(63 * S);
    assert.deepEqual(e.cleared.map((c) => c.alert.condition).sort(), ['disconnected', 'error']);
    assert.equal(t.count, 0);
    assert.equal(t.enabled, false);
    t.observe('Lab', row('1', 'error'), 64 * S);
    assert.deepEqual(t.tick(64 * S).raised, [], 'nothing is watched while every setting is off');
  });

  it('a setting turned on finds what already holds: the next observation raises it', () => {
    const t = tracker({ onError: false });
    t.observe('Lab', row('1', 'error'), 0);
    assert.equal(t.tick(0).raised.length, 0);
    t.configure(ON);
    t.sync('Lab', [row('1', 'error')], 1 * S);
    assert.deepEqual(names(t.tick(1 * S).raised), ['Lab/1/error']);
  });
});

describe('alerts: a flapping destination does not storm', () => {
  it('in and out of error every few seconds for ten minutes: one alert, one notification, no clears', () => {
    const t = tracker();
    const seen = { raised: 0, cleared: 0, notify: 0 };
    for (let s = 0; s < 600; s++) {
      t.observe('Lab', row('1', s % 7 < 3 ? 'error' : 'negotiating'), s * S);
      const e = t.tick(s * S);
      seen.raised += e.raised.length;
      seen.cleared += e.cleared.length;
      seen.notify += e.notify.length;
    }
    assert.deepEqual(seen, { raised: 1, cleared: 0, notify: 1 });
    const e = t.tick(630 * S);
    assert.equal(e.cleared.length, 1, 'it clears once it stays out of error');
  });

  it('a queue hovering around N keeps its one alert', () => {
    const t = tracker();
    let raised = 0;
    for (let s = 0; s < 300; s++) {
      t.observe('Lab', row('3', 'connected', s % 2 ? 99 : 102), s * S);
      raised += t.tick(s * S).raised.length;
    }
    assert.equal(raised, 1);
    assert.ok(t.isActive('Lab', '3', 'queue'));
  });

  it('a destination bouncing between disconnected and negotiating keeps its disconnected alert', () => {
    const t = tracker();
    t.observe('Lab', row('2', 'disconnected'), 0);
    let raised = 0;
    let cleared = 0;
    for (let s = 1; s < 300; s++) {
      t.observe('Lab', row('2', s % 10 === 0 ? 'negotiating' : 'disconnected'), s * S);
      const e = t.tick(s * S);
      raised += e.raised.length;
      cleared += e.cleared.length;
    }
    assert.equal(raised, 1);
    assert.equal(cleared, 0);
  });
});

describe('alerts: while servers are not polled', () => {
  it('a disconnection last seen before polling paused is not counted on while it is paused', () => {
    const t = tracker();
    t.observe('Lab', row('2', 'disconnected'), 0);
    t.pause(5 * S);
    assert.deepEqual(t.tick(600 * S).raised, [], 'ten minutes unfocused: the 5 s seen are all we know');
    t.resume(600 * S);
    assert.deepEqual(t.tick(650 * S).raised, [], '55 s counted');
    assert.deepEqual(names(t.tick(656 * S).raised), ['Lab/2/disconnected'], '61 s counted');
  });

  it('an ended condition does not clear while paused; an error seen on a manual refresh is still raised and shown', () => {
    const t = tracker();
    t.observe('Lab', row('1', 'error'), 0);
    t.tick(0);
    t.observe('Lab', row('1', 'connected'), 1 * S);
    t.pause(2 * S);
    assert.deepEqual(t.tick(300 * S).cleared, []);
    t.observe('Lab', row('2', 'error'), 301 * S);
    assert.deepEqual(names(t.tick(301 * S).notify), ['Lab/2/error']);
    t.resume(302 * S);
    assert.equal(t.tick(330 * S).cleared.length, 0, '29 s counted: 1 s before the pause and 28 s after');
    assert.equal(t.tick(331 * S).cleared.length, 1, '30 s counted');
  });
});

describe('alerts: what is kept', () => {
  it('rows with nothing to alert about are not tracked', () => {
    const t = tracker();
    for (let i = 0; i < 10_000; i++) t.observe('Lab', row(String(i), 'connected', i % 50), 0);
    t.tick(0);
    const servers = (t as unknown as { servers: Map<string, Map<string, unknown>> }).servers;
    assert.equal(servers.size, 0);
  });
});
