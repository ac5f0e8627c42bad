/**
 * The load test's audit (bench/harness/loadAudit.ts) catches each fault it
 * exists for: a point stored twice, a step the worker sent that SQLite lacks,
 * a point the API leaves out, a point delivered twice or out of order, a
 * point a client got that SQLite never stored, and a client left behind on a
 * series' last point. Hand-built inputs; expected counts by hand.
 */
import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../../main/common/domain';
import { audit, auditClient, type StoredPoints } from '../../../bench/harness/loadAudit';
import type { ReceivedPoint } from '../../../bench/harness/loadWsClient';

/** Run 1: loss at steps 1–4, val_loss at step 2. */
function stored(): StoredPoints {
  return {
    series: new Map([
      ['1|loss', new Map<number, number | null>([[1, 0.9], [2, 0.8], [3, 0.7], [4, null]])],
      ['1|val_loss', new Map<number, number | null>([[2, 0.85]])],
    ]),
    duplicateRows: 0,
    total: 5,
  };
}
const pts = (...steps: [number, number | null][]): ReceivedPoint[] => steps.map(([step, value]) => ({ step, value }));
const fullClient = (): Map<string, ReceivedPoint[]> => new Map([
  ['1|loss', pts([1, 0.9], [2, 0.8], [3, 0.7], [4, null])],
  ['1|val_loss', pts([2, 0.85])],
]);
const apiOf = (lossSteps: number[]): Map<number, MetricSeries[]> => new Map([[1, [
  { key: 'loss', steps: lossSteps, values: lossSteps.map(() => 0), wallTimes: lossSteps.map(() => 0) },
  { key: 'val_loss', steps: [2], values: [0.85], wallTimes: [0] },
]]]);
const expect4 = [{ runId: 1, stepKey: 'loss', expectedSteps: 4 }];

describe('load audit', () => {
  it('finds nothing when SQLite, the API and a client agree', () => {
    const r = audit(stored(), apiOf([1, 2, 3, 4]), expect4, [fullClient()]);
    expect(r).toMatchObject({ lostPoints: 0, duplicatedPoints: 0, outOfOrderDeliveries: 0, staleLastPoints: 0, valueMismatches: 0 });
    expect(r.clients[0]!.missing).toBe(0);
  });

  it('counts a repeated SQLite row and a step missing against the config as duplicated and lost', () => {
    const s = stored();
    s.duplicateRows = 1;
    const r = audit(s, apiOf([1, 2, 3, 4]), [{ runId: 1, stepKey: 'loss', expectedSteps: 6 }], [fullClient()]);
    expect(r).toMatchObject({ duplicatedPoints: 1, duplicateRows: 1, lostPoints: 2, missingSteps: 2 });
  });

  it('counts a point the API leaves out and a step it repeats', () => {
    const r = audit(stored(), apiOf([1, 2, 2, 4]), expect4, [fullClient()]);
    expect(r).toMatchObject({ missingFromApi: 1, lostPoints: 1, duplicateApiSteps: 1, duplicatedPoints: 1 });
  });

  it('counts a client\'s duplicate, out-of-order, unknown and mismatched points, and a stale last point', () => {
    const c = new Map([
      ['1|loss', pts([1, 0.9], [1, 0.9], [3, 0.7], [2, 0.5], [5, 0.1])],
      ['2|loss', pts([1, 1])],
    ]);
    const a = auditClient(c, stored());
    // 1 twice; 2 after 3; 5 and run 2's point unknown; 2's value differs; loss ends at 5 not 4, val_loss never came; 4 and val_loss's 2 missing.
    expect(a).toEqual({ duplicated: 1, outOfOrder: 1, unknown: 2, valueMismatches: 1, staleLast: 2, missing: 2 });
  });

  it('accepts a coalesced client that skipped points but ends on every last point', () => {
    const c = new Map([['1|loss', pts([1, 0.9], [4, null])], ['1|val_loss', pts([2, 0.85])]]);
    const a = auditClient(c, stored());
    expect(a).toEqual({ duplicated: 0, outOfOrder: 0, unknown: 0, valueMismatches: 0, staleLast: 0, missing: 2 });
  });
});
