/**
 * Reading a run's metric points as columns without one JS object per row.
 * Measured on a 200,000-point run (bench/longRunMetrics.ts): better-sqlite3's
 * `.all()` spends most of the read building 200,000 row objects, while SQLite's
 * own scan of the same rows is ~50 ms. An application-defined aggregate receives
 * each row's numbers as plain arguments and appends them to number arrays, which
 * cuts the read to between a half and a third with no schema change (a covering
 * index on (run_id, key, step, value, wall_time) saved 0–30 ms on top of this,
 * within the shared machine's noise, for 17.7 MB more per million points).
 *
 * The aggregate hands its columns back to the query as one BLOB of float64s
 * (steps, values, wall times), so no state leaks between calls or connections.
 */
import type { Db } from '../sqlite';

/** The aggregate's name, registered once per connection. */
const COLLECT = 'lw_metric_columns';

const registered = new WeakSet<Db>();

/** One key's points as they arrive: parallel columns, and each row's id for ordering. */
interface Collected {
  steps: number[];
  values: number[];
  wallTimes: number[];
  ids: number[];
}

/** A key's series as columns: ascending steps, newest point per step, NaN for NULL. */
export interface PointColumns {
  steps: number[];
  values: number[];
  wallTimes: number[];
}

function newCollected(): Collected {
  return { steps: [], values: [], wallTimes: [], ids: [] };
}

/** Whether the rows came in (step, id) order, as the index hands them out (checked, not assumed). */
function inOrder(c: Collected): boolean {
  for (let i = 1; i < c.steps.length; i++) {
    const ds = (c.steps[i] ?? 0) - (c.steps[i - 1] ?? 0);
    if (ds < 0 || (ds === 0 && (c.ids[i] ?? 0) < (c.ids[i - 1] ?? 0))) return false;
  }
  return true;
}

/**
 * Orders the rows by (step, id) and keeps the newest point of each step (a step
 * logged again after a resume from an earlier checkpoint), as getMetrics promises.
 */
function ordered(c: Collected): PointColumns {
  const n = c.steps.length;
  const order = Array.from({ length: n }, (_, i) => i);
  if (!inOrder(c)) order.sort((a, b) => ((c.steps[a] ?? 0) - (c.steps[b] ?? 0)) || ((c.ids[a] ?? 0) - (c.ids[b] ?? 0)));
  const out: PointColumns = { steps: [], values: [], wallTimes: [] };
  for (const i of order) {
    const step = c.steps[i] ?? NaN;
    const last = out.steps.length - 1;
    const at = last >= 0 && out.steps[last] === step ? last : out.steps.length;
    out.steps[at] = step;
    out.values[at] = c.values[i] ?? NaN;
    out.wallTimes[at] = c.wallTimes[i] ?? NaN;
  }
  return out;
}

function encode(cols: PointColumns): Buffer {
  const n = cols.steps.length;
  const packed = new Float64Array(3 * n);
  packed.set(cols.steps, 0);
  packed.set(cols.values, n);
  packed.set(cols.wallTimes, 2 * n);
  return Buffer.from(packed.buffer);
}

/** The BLOB back to columns (copied first: a BLOB's bytes need not be 8-byte aligned). */
export function decodeColumns(blob: Uint8Array): PointColumns {
  const bytes = new Uint8Array(blob.byteLength);
  bytes.set(blob);
  const packed = new Float64Array(bytes.buffer);
  const n = packed.length / 3;
  return {
    steps: Array.from(packed.subarray(0, n)),
    values: Array.from(packed.subarray(n, 2 * n)),
    wallTimes: Array.from(packed.subarray(2 * n)),
  };
}

/**
 * Registers `lw_metric_columns(step, value, wall_time, id)` on the connection
 * (once): an aggregate whose result is the rows' columns as a BLOB for
 * decodeColumns, ordered by step with the newest point per step.
 */
export function ensureColumnAggregate(db: Db): string {
  if (registered.has(db)) return COLLECT;
  db.aggregate<Collected>(COLLECT, {
    start: newCollected,
    // varargs: the typings allow one argument after the state; the four columns are read and checked here.
    varargs: true,
    step: (c: Collected, ...row: unknown[]) => {
      const [step, value, wallTime, id] = row;
      if (typeof step !== 'number' || typeof wallTime !== 'number' || typeof id !== 'number' || !(value === null || typeof value === 'number')) {
        throw new TypeError(`${COLLECT} takes (step, value, wall_time, id) numbers, got ${row.map((v) => typeof v).join(', ')}`);
      }
      c.steps.push(step);
      c.values.push(value ?? Number.NaN);
      c.wallTimes.push(wallTime);
      c.ids.push(id);
    },
    result: (c: Collected) => encode(ordered(c)),
    deterministic: true,
  });
  registered.add(db);
  return COLLECT;
}
