/**
 * The load test's bookkeeping (issue 16, "no lost or duplicated point"): what
 * SQLite holds, what the API answers and what each WebSocket client received,
 * compared point by point.
 *
 * Definitions (all counts are of (run, key, step) points):
 * - duplicated: a (run, key, step) stored in more than one SQLite row (each
 *   extra row counts one; no run is resumed here, so a step is logged once), a
 *   step repeated within one `runs.metrics` series, or a point delivered twice
 *   to the same client.
 * - lost: a point a client received that SQLite does not hold (the server
 *   announced a point it did not keep), a SQLite point `runs.metrics` does not
 *   return, or a step missing from a run's step-level series against what its
 *   config makes the worker send (`expectedSteps`: epochs × batches per epoch,
 *   steps 1 to that, hand-computed in loadDriver.ts).
 * - Clients and backpressure (main/server/clientSender.ts): a client is sent
 *   every event while at most WS_BUFFER_LIMIT (4 MB) is queued for it; past
 *   that it gets only the latest value per (run, key) until it drains. A client
 *   that read fewer bytes in the whole window than that limit can never have
 *   been past it, so it must have every SQLite point ("complete" is then
 *   required); a client that read more may legitimately miss points, and is
 *   held only to: no duplicates, steps increasing per (run, key), and the last
 *   point of every (run, key) equal to SQLite's.
 */
import Database from 'better-sqlite3';
import type { MetricSeries } from '../../main/common/domain';
import { seriesKey, type ReceivedPoint } from './loadWsClient';

/** One stored point: its value as the column holds it (null for a non-finite one). */
interface StoredRow { run_id: number; key: string; step: number; value: number | null }

/** `${runId}|${key}` → step → value, from SQLite; with the extra rows of repeated steps. */
export interface StoredPoints { series: Map<string, Map<number, number | null>>; duplicateRows: number; total: number }

/** Reads every metric point of `runIds` from the database file, read-only (serve keeps writing in WAL mode). */
export function readStoredPoints(dbFile: string, runIds: readonly number[]): StoredPoints {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[string], StoredRow>(
      'SELECT run_id, key, step, value FROM metrics WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    ).all(JSON.stringify(runIds));
    const series = new Map<string, Map<number, number | null>>();
    let duplicateRows = 0;
    for (const r of rows) {
      const k = seriesKey(r.run_id, r.key);
      let steps = series.get(k);
      if (!steps) { steps = new Map(); series.set(k, steps); }
      if (steps.has(r.step)) duplicateRows++;
      steps.set(r.step, r.value);
    }
    return { series, duplicateRows, total: rows.length };
  } finally {
    db.close();
  }
}

export interface RunExpectation {
  runId: number;
  /** The key logged once per training step (the classifier's `loss`). */
  stepKey: string;
  /** How many steps its config makes the worker run, numbered from 1 (workers/engine/trainLoop.ts). */
  expectedSteps: number;
}

export interface ClientAudit {
  /** Points received that SQLite does not hold. */
  unknown: number;
  duplicated: number;
  /** A step not above the previous one of its (run, key). */
  outOfOrder: number;
  /** (run, key)s whose last received point is not SQLite's last. */
  staleLast: number;
  /** SQLite points it never received (allowed only past the backpressure limit). */
  missing: number;
  valueMismatches: number;
}

export interface AuditResult {
  storedPoints: number;
  lostPoints: number;
  duplicatedPoints: number;
  /** Of lostPoints: steps absent from a run's step-level series. */
  missingSteps: number;
  /** Of lostPoints: SQLite points the API did not return. */
  missingFromApi: number;
  /** Of lostPoints: points clients received that SQLite lacks. */
  receivedNotStored: number;
  /** Of duplicatedPoints: repeated SQLite rows, API steps, client deliveries. */
  duplicateRows: number;
  duplicateApiSteps: number;
  duplicateDeliveries: number;
  outOfOrderDeliveries: number;
  staleLastPoints: number;
  valueMismatches: number;
  clients: ClientAudit[];
}

const sameValue = (a: number | null, b: number | null): boolean =>
  (a === null || Number.isNaN(a)) ? (b === null || Number.isNaN(b)) : a === b;

/** One client's points against SQLite. */
export function auditClient(received: ReadonlyMap<string, readonly ReceivedPoint[]>, stored: StoredPoints): ClientAudit {
  const a: ClientAudit = { unknown: 0, duplicated: 0, outOfOrder: 0, staleLast: 0, missing: 0, valueMismatches: 0 };
  for (const [k, steps] of stored.series) {
    const got = received.get(k) ?? [];
    const seen = new Set<number>();
    let previous = -Infinity;
    for (const p of got) {
      if (seen.has(p.step)) a.duplicated++;
      else if (p.step <= previous) a.outOfOrder++;
      seen.add(p.step);
      previous = Math.max(previous, p.step);
      if (!steps.has(p.step)) a.unknown++;
      else if (!sameValue(steps.get(p.step) ?? null, p.value)) a.valueMismatches++;
    }
    for (const step of steps.keys()) if (!seen.has(step)) a.missing++;
    const lastStored = Math.max(...steps.keys());
    if (got.at(-1)?.step !== lastStored) a.staleLast++;
  }
  for (const [k, got] of received) if (!stored.series.has(k)) a.unknown += got.length;
  return a;
}

/** Steps of a run's step-level key that its config says were sent but SQLite lacks. */
export function missingSteps(stored: StoredPoints, e: RunExpectation): number {
  const steps = stored.series.get(seriesKey(e.runId, e.stepKey)) ?? new Map<number, number | null>();
  let missing = 0;
  for (let s = 1; s <= e.expectedSteps; s++) if (!steps.has(s)) missing++;
  return missing;
}

/** The API's series of one run against SQLite: [SQLite points absent from it, repeated steps in it]. */
export function auditApi(runId: number, api: readonly MetricSeries[], stored: StoredPoints): { missing: number; duplicated: number } {
  let missing = 0;
  let duplicated = 0;
  const byKey = new Map(api.map((s) => [s.key, s]));
  for (const [k, steps] of stored.series) {
    const [run, key] = k.split('|');
    if (Number(run) !== runId) continue;
    const apiSteps = new Set(byKey.get(key!)?.steps ?? []);
    duplicated += (byKey.get(key!)?.steps.length ?? 0) - apiSteps.size;
    for (const step of steps.keys()) if (!apiSteps.has(step)) missing++;
  }
  return { missing, duplicated };
}

/** Everything above, summed. */
export function audit(
  stored: StoredPoints,
  api: ReadonlyMap<number, readonly MetricSeries[]>,
  expectations: readonly RunExpectation[],
  clients: readonly ReadonlyMap<string, readonly ReceivedPoint[]>[],
): AuditResult {
  const perClient = clients.map((c) => auditClient(c, stored));
  const sum = (f: (c: ClientAudit) => number): number => perClient.reduce((t, c) => t + f(c), 0);
  let missingFromApi = 0;
  let duplicateApiSteps = 0;
  for (const [runId, series] of api) {
    const r = auditApi(runId, series, stored);
    missingFromApi += r.missing;
    duplicateApiSteps += r.duplicated;
  }
  const steps = expectations.reduce((t, e) => t + missingSteps(stored, e), 0);
  const receivedNotStored = sum((c) => c.unknown);
  const duplicateDeliveries = sum((c) => c.duplicated);
  return {
    storedPoints: stored.total,
    lostPoints: steps + missingFromApi + receivedNotStored,
    duplicatedPoints: stored.duplicateRows + duplicateApiSteps + duplicateDeliveries,
    missingSteps: steps,
    missingFromApi,
    receivedNotStored,
    duplicateRows: stored.duplicateRows,
    duplicateApiSteps,
    duplicateDeliveries,
    outOfOrderDeliveries: sum((c) => c.outOfOrder),
    staleLastPoints: sum((c) => c.staleLast),
    valueMismatches: sum((c) => c.valueMismatches),
    clients: perClient,
  };
}
