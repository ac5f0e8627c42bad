/**
 * Curve smoothing for the compare view: TensorBoard's debiased exponential moving
 * average, and a time-weighted variant for points logged at uneven x spacing.
 * Pure numerics (no node, no DOM) so the renderer and the services share one
 * implementation and a smoothed curve looks the same wherever it is computed.
 *
 * Inputs are any array-like of numbers (plain arrays or Float64Array columns);
 * outputs are plain `number[]` of the same length, index for index, so the
 * smoothed curve shares the raw curve's x values.
 */

/** Refuses a smoothing weight outside [0, 1): weight 1 would freeze the curve at 0. */
function checkWeight(weight: number): void {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  }
}

/**
 * True when every value equals the first. TensorBoard returns such a series
 * untouched (tensorflow/tensorboard issue #786): dividing by the debias factor
 * would otherwise turn a flat line into one that wobbles in its last bits.
 */
function isConstant(values: ArrayLike<number>): boolean {
  const first = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return false;
  return true;
}

/**
 * TensorBoard's scalar smoothing, as implemented by `classicSmoothing` in
 * tensorflow/tensorboard `tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts`
 * (the same algorithm as the older `vz_line_chart2/line-chart.ts`):
 *
 *     last = 0; n = 0
 *     for each finite v:  last = last·w + (1 − w)·v;  n += 1;  smoothed = last / (1 − wⁿ)
 *
 * Starting from 0 biases the plain EMA towards 0 by the factor (1 − wⁿ); dividing it
 * out makes the first smoothed point equal the first raw value, and every point the
 * weighted mean Σ wⁿ⁻ⁱ·vᵢ / Σ wⁿ⁻ⁱ of the finite values so far. Non-finite values
 * (NaN, ±Infinity: a diverged run) are passed through unsmoothed and leave the
 * state alone, so one NaN does not poison the rest of the curve. A constant series
 * is returned as is, as TensorBoard does.
 *
 * @param weight in [0, 1); 0 returns the values unchanged. Throws RangeError otherwise.
 */
export function emaDebiased(values: ArrayLike<number>, weight: number): number[] {
  checkWeight(weight);
  const out = Array.from(values);
  if (weight === 0 || isConstant(values)) return out;
  let last = 0;
  let numAccum = 0;
  for (let i = 0; i < out.length; i++) {
    const v = out[i] ?? NaN;
    if (!Number.isFinite(v)) continue;
    last = last * weight + (1 - weight) * v;
    numAccum++;
    out[i] = last / (1 - Math.pow(weight, numAccum));
  }
  return out;
}

/**
 * The first positive gap between consecutive usable points (finite x and value),
 * or undefined when there is none. It stands in for the gap before the first point,
 * which has no predecessor, and for the gaps before the points that share an x.
 */
function firstPositiveGap(xs: ArrayLike<number>, values: ArrayLike<number>): number | undefined {
  let prev = NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? NaN;
    if (!Number.isFinite(x) || !Number.isFinite(values[i] ?? NaN)) continue;
    if (x > prev) return x - prev;
    prev = x;
  }
  return undefined;
}

/**
 * A debiased exponential moving average for unevenly spaced points, where the
 * previous state's weight decays with the x distance rather than per point (a run
 * that logs every 10 steps, then every 100, smooths over the same x span in both
 * parts). With Δxᵢ = xᵢ − xᵢ₋₁ between consecutive finite points:
 *
 *     αᵢ = 1 − 2^(−Δxᵢ / halfLife)          (the state halves every halfLife of x)
 *     lastᵢ = (1 − αᵢ)·lastᵢ₋₁ + αᵢ·vᵢ,     last₀ = 0
 *     smoothedᵢ = lastᵢ / (1 − Πⱼ≤ᵢ (1 − αⱼ))   (the same debiasing as emaDebiased)
 *
 * Each value weighs as much as the stretch of x it covers (αᵢ grows with its gap),
 * its weight halving for every halfLife of x after it. With equal spacing Δ and
 * halfLife = Δ / log2(1/w) every αᵢ is 1 − w and this is exactly emaDebiased(values, w)
 * for finite values. (Across a non-finite value the two part: emaDebiased counts finite
 * points only, while here the gap is the real x distance between the finite neighbours.)
 * Gaps that the data do not give are filled in: the first point, which has no
 * predecessor, and a point at the same x as the previous one (which would otherwise
 * get no weight at all) take the previous positive gap, or the series' first positive
 * gap before there is one. The first smoothed point is the raw value whatever its α.
 * Points whose value or x is not finite pass through unsmoothed and leave the state
 * alone; a constant series is returned as is; halfLife 0 returns the values.
 *
 * @param xs the points' x (step, epoch or time), sorted ascending; throws RangeError if not.
 * @param halfLife finite and ≥ 0, in units of x. Throws RangeError otherwise.
 */
export function emaTimeWeighted(xs: ArrayLike<number>, values: ArrayLike<number>, halfLife: number): number[] {
  if (xs.length !== values.length) {
    throw new RangeError(`xs and values differ in length (${xs.length} vs ${values.length})`);
  }
  if (!(halfLife >= 0 && Number.isFinite(halfLife))) {
    throw new RangeError(`halfLife must be finite and at least 0, got ${halfLife}`);
  }
  const out = Array.from(values);
  let gap = firstPositiveGap(xs, values);
  // No positive gap: at most one distinct x, nothing to weigh by distance.
  if (halfLife === 0 || gap === undefined || isConstant(values)) return out;
  let last = 0;
  let debias = 0;
  let prevX = -Infinity;
  for (let i = 0; i < out.length; i++) {
    const x = xs[i] ?? NaN;
    const v = out[i] ?? NaN;
    if (!Number.isFinite(x) || !Number.isFinite(v)) continue;
    if (x < prevX) throw new RangeError(`xs must be sorted ascending: x[${i}] = ${x} follows ${prevX}`);
    if (x > prevX && prevX !== -Infinity) gap = x - prevX;
    // expm1 keeps α accurate (and above 0) when the gap is tiny against halfLife.
    const rate = (gap * Math.LN2) / halfLife;
    const alpha = -Math.expm1(-rate);
    const keep = Math.exp(-rate);
    last = last * keep + alpha * v;
    // debias = 1 − Π(1 − αⱼ), accumulated the same way as `last`.
    debias = debias * keep + alpha;
    out[i] = last / debias;
    prevX = x;
  }
  return out;
}
