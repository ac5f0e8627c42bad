/**
 * Choosing which points of a long metric series to draw. A chart a thousand pixels
 * wide cannot show a million points, but averaging or striding them hides exactly
 * what a user looks for: the loss spike, the step where the run went NaN. So the
 * downsampler keeps, per x bucket, the first, last, lowest and highest finite points
 * and every non-finite one; the compare view re-queries the visible range on zoom
 * (sliceRange, then downsampleMinMax) until the range holds few enough points to be
 * drawn at full resolution.
 *
 * Pure numerics (no node, no DOM): used by the services and the renderer alike.
 *
 * Precondition for both functions: `xs` is finite and sorted ascending (ties allowed),
 * as metric points read in step or time order are. downsampleMinMax checks it (one
 * pass, far cheaper than the read that produced the series) and throws RangeError;
 * sliceRange, which reads only O(log n) of the series, does not.
 *
 * Inputs are any array-like of numbers (plain arrays or Float64Array columns). The
 * result is plain arrays: `indices` into the input (so a caller can pick other columns
 * of the same points, such as wall time), and the picked `xs` and `ys`.
 */

/** Points picked from a series, in input order. */
export interface PickedPoints {
  /** Strictly increasing indices into the input arrays. */
  indices: number[];
  xs: number[];
  ys: number[];
}

function pick(xs: ArrayLike<number>, ys: ArrayLike<number>, indices: number[]): PickedPoints {
  return { indices, xs: indices.map((i) => xs[i] ?? NaN), ys: indices.map((i) => ys[i] ?? NaN) };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
}

function checkSameLength(xs: ArrayLike<number>, ys: ArrayLike<number>): void {
  if (xs.length !== ys.length) throw new RangeError(`xs and ys differ in length (${xs.length} vs ${ys.length})`);
}

function checkSortedFinite(xs: ArrayLike<number>): void {
  let prev = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? NaN;
    if (!Number.isFinite(x)) throw new RangeError(`xs must be finite: x[${i}] = ${x}`);
    if (x < prev) throw new RangeError(`xs must be sorted ascending: x[${i}] = ${x} follows ${prev}`);
    prev = x;
  }
}

/**
 * The bucket of x when [first, last] is split into `buckets` equal-width buckets:
 * floor((x − first) / (last − first) · buckets), the last bucket closed on the right
 * so `last` falls in it. All x in bucket 0 when first = last.
 */
function bucketOf(x: number, first: number, last: number, buckets: number): number {
  const span = last - first;
  if (span <= 0) return 0;
  return Math.min(buckets - 1, Math.floor(((x - first) / span) * buckets));
}

/** What one bucket keeps while the scan is inside it: indices of its chosen points, −1 when none yet. */
interface BucketPicks {
  first: number;
  last: number;
  min: number;
  max: number;
  minY: number;
  maxY: number;
  /** Every non-finite point of the bucket, in order. */
  nonFinite: number[];
}

function emptyBucket(): BucketPicks {
  return { first: -1, last: -1, min: -1, max: -1, minY: Infinity, maxY: -Infinity, nonFinite: [] };
}

function addPoint(b: BucketPicks, i: number, y: number): void {
  if (!Number.isFinite(y)) {
    b.nonFinite.push(i);
    return;
  }
  if (b.first < 0) b.first = i;
  b.last = i;
  if (y < b.minY) [b.min, b.minY] = [i, y];
  if (y > b.maxY) [b.max, b.maxY] = [i, y];
}

/** Appends the bucket's picks to `out`, deduplicated and in input order. */
function flushBucket(b: BucketPicks, out: number[]): void {
  const chosen = [b.first, b.last, b.min, b.max].filter((i) => i >= 0);
  const all = [...new Set(chosen), ...b.nonFinite].sort((a, c) => a - c);
  for (const i of all) out.push(i);
}

/**
 * Min/max downsampling for drawing. Splits the x range [xs[0], xs[n−1]] into
 * `buckets` equal-width buckets (see bucketOf) and keeps from each its first, last,
 * minimum and maximum finite points (deduplicated) and every non-finite point (NaN,
 * ±Infinity), so spikes and failures stay visible at any zoom. The output is a
 * subsequence of the input in x order, at most 4·buckets points plus the non-finite
 * ones. A series of at most 4·buckets points is returned whole: zoomed in far enough,
 * the chart gets full resolution. Empty buckets (gaps in x) contribute nothing.
 *
 * @param buckets a whole number ≥ 1 (typically the chart's width in pixels, or a fraction of it).
 * @throws RangeError on mismatched lengths, a bad bucket count, or xs not finite and sorted.
 */
export function downsampleMinMax(xs: ArrayLike<number>, ys: ArrayLike<number>, buckets: number): PickedPoints {
  checkSameLength(xs, ys);
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a whole number ≥ 1, got ${buckets}`);
  checkSortedFinite(xs);
  const n = xs.length;
  if (n <= 4 * buckets) return pick(xs, ys, range(0, n));
  const first = xs[0] ?? NaN;
  const last = xs[n - 1] ?? NaN;
  const kept: number[] = [];
  let current = 0;
  let picks = emptyBucket();
  for (let i = 0; i < n; i++) {
    const b = bucketOf(xs[i] ?? NaN, first, last, buckets);
    if (b !== current) {
      flushBucket(picks, kept);
      current = b;
      picks = emptyBucket();
    }
    addPoint(picks, i, ys[i] ?? NaN);
  }
  flushBucket(picks, kept);
  return pick(xs, ys, kept);
}

/** Index of the first x ≥ bound (n when none), by binary search over sorted xs. */
function lowerBound(xs: ArrayLike<number>, bound: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] ?? NaN) < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first x > bound (n when none), by binary search over sorted xs. */
function upperBound(xs: ArrayLike<number>, bound: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] ?? NaN) <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points with xMin ≤ x ≤ xMax, plus the nearest point beyond each edge when there
 * is one, so the drawn line runs to the chart's border instead of stopping at the last
 * point inside. A window between two consecutive points yields those two points (the
 * line crossing it); a window wholly before the first or after the last point yields
 * nothing. O(log n): two binary searches, then a copy of the slice.
 *
 * @param xMin, xMax the visible x range, xMin ≤ xMax; ±Infinity allowed. Throws RangeError otherwise.
 */
export function sliceRange(xs: ArrayLike<number>, ys: ArrayLike<number>, xMin: number, xMax: number): PickedPoints {
  checkSameLength(xs, ys);
  if (!(xMin <= xMax)) throw new RangeError(`need xMin ≤ xMax, got [${xMin}, ${xMax}]`);
  const n = xs.length;
  const inside = lowerBound(xs, xMin);
  const after = upperBound(xs, xMax);
  if (after === 0 || inside === n) return pick(xs, ys, []);
  return pick(xs, ys, range(Math.max(0, inside - 1), Math.min(n, after + 1)));
}
