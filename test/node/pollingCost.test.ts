/** What polling costs the process, and how one budget is shared among servers (src/model/pollingCost.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delays, MAX_COST_FACTOR, PollingCost } from '../../src/model/pollingCost';

/** A process whose clock and CPU the test moves. */
function processAt() {
  const p = { now: 0, cpu: 0 };
  return {
    p,
    cost: new PollingCost(
      () => p.cpu,
      () => p.now,
    ),
  };
}

/** One refresh every `cycleMs` that costs `refreshMs` of its own CPU and `processMs` of the process's (besides idle work). */
function poll(
  t: ReturnType<typeof processAt>,
  cycles: number,
  o: { cycleMs: number; refreshMs: number; processMs: number; idleRate?: number },
) {
  for (let i = 0; i < cycles; i++) {
    t.p.now += o.cycleMs;
    t.p.cpu += o.processMs + (o.idleRate ?? 0) * o.cycleMs;
    t.cost.refreshed('big', { at: t.p.now, cpuMs: o.refreshMs }, o.cycleMs);
  }
}

describe('polling cost', () => {
  it('learns what the process pays per ms of a refresh, over windows of polling', () => {
    const t = processAt();
    t.cost.setActive(true);
    poll(t, 30, { cycleMs: 2000, refreshMs: 100, processMs: 400 });
    assert.ok(Math.abs(t.cost.factor - 4) < 0.1, `factor ${t.cost.factor}`);
  });

  it("does not count the host's own work as polling's, once it has seen the host idle", () => {
    const busyHost = 0.1; // another extension takes a tenth of a core all along
    const t = processAt();
    t.cost.setActive(true);
    poll(t, 30, { cycleMs: 2000, refreshMs: 100, processMs: 200, idleRate: busyHost });
    const blind = t.cost.factor;
    t.cost.setActive(false);
    t.p.now += 20_000;
    t.p.cpu += busyHost * 20_000;
    t.cost.setActive(true);
    poll(t, 30, { cycleMs: 2000, refreshMs: 100, processMs: 200, idleRate: busyHost });
    assert.ok(blind > 3.5, `before, the host's work counted as polling's (${blind})`);
    assert.ok(Math.abs(t.cost.factor - 2) < 0.1, `after, only polling's (${t.cost.factor})`);
  });

  it('learns nothing from refreshes too small to measure against the host, so small servers are not stretched', () => {
    const t = processAt();
    t.cost.setActive(true);
    poll(t, 30, { cycleMs: 1000, refreshMs: 2, processMs: 4, idleRate: 0.05 });
    assert.equal(t.cost.factor, 1);
  });

  it('drops a window that spans a gap in polling, and counts a refresh two callers shared once', () => {
    const t = processAt();
    t.cost.setActive(true);
    poll(t, 30, { cycleMs: 2000, refreshMs: 100, processMs: 200 });
    const before = t.cost.factor;
    // Ten minutes waiting for Sign In while the host works, then one refresh.
    t.p.now += 600_000;
    t.p.cpu += 60_000;
    t.cost.refreshed('big', { at: t.p.now, cpuMs: 100 }, 2000);
    t.p.now += 4000;
    t.p.cpu += 200;
    t.cost.refreshed('big', { at: t.p.now, cpuMs: 100 }, 2000);
    t.cost.refreshed('big', { at: t.p.now, cpuMs: 100 }, 2000); // a second caller of the same refresh
    t.p.now += 4000;
    t.p.cpu += 200;
    t.cost.refreshed('big', { at: t.p.now, cpuMs: 100 }, 2000);
    assert.ok(Math.abs(t.cost.factor - before) < 0.1, `${before} → ${t.cost.factor}`);
    assert.ok(t.cost.factor < MAX_COST_FACTOR);
  });
});

describe('one budget for every server', () => {
  const share = (busy: number, delay: number) => busy / (busy + delay);

  it('keeps a cheap server at the set interval while a big one stretches', () => {
    const d = delays(
      new Map([
        ['small', 2],
        ['big', 400],
      ]),
      1000,
      0.07,
    );
    assert.equal(d.get('small'), 1000);
    assert.ok(d.get('big')! > 5000);
    const total = share(2, d.get('small')!) + share(400, d.get('big')!);
    assert.ok(total <= 0.0701, `both together ${total}`);
  });

  it('splits the budget between big servers, so two cost what one may', () => {
    const one = delays(new Map([['a', 400]]), 1000, 0.07).get('a')!;
    const two = delays(
      new Map([
        ['a', 400],
        ['b', 400],
      ]),
      1000,
      0.07,
    );
    assert.ok(Math.abs(two.get('a')! / one - 2) < 0.1, `${two.get('a')} vs ${one} alone`);
    assert.ok(share(400, two.get('a')!) + share(400, two.get('b')!) <= 0.0701);
  });
});
