/**
 * The compare charts' shared x zoom: its URL form (`zoom=<min>,<max>`) and
 * how a zoomed re-query joins the whole view. The view keeps the series of
 * the whole x range (downsampled to the chart's width) and, while zoomed,
 * asks runs.compareSeries again for the visible range with the same bucket
 * count, which comes back at full resolution once the range holds few enough
 * points. Each chart draws the whole-range points outside the window and the
 * window's own points inside, so the slider still shows the whole run and
 * zooming out needs no round trip.
 */
import type { CompareSeries } from '../../main/common/domain';

export interface XRange {
  min: number;
  max: number;
}

/** The zoom a `zoom` query value holds ("min,max", finite, min < max), else null. */
export function parseZoom(query: unknown): XRange | null {
  if (typeof query !== 'string') return null;
  const parts = query.split(',').map(Number);
  if (parts.length !== 2) return null;
  const [min, max] = parts as [number, number];
  return Number.isFinite(min) && Number.isFinite(max) && min < max ? { min, max } : null;
}

/** The query value for a zoom (undefined: not zoomed), at a precision finer than any chart's pixel. */
export function zoomQuery(range: XRange | null): string | undefined {
  if (range === null) return undefined;
  const short = (v: number): string => String(Number(v.toPrecision(10)));
  return `${short(range.min)},${short(range.max)}`;
}

/**
 * Each whole-range series with the zoomed answer's points in place of its
 * own over the zoomed span (from the zoomed series' first x to its last: the
 * service adds a point beyond each edge of the range, so the lines run on to
 * the window's edges). A series without a zoomed counterpart is kept whole.
 */
export function mergeZoomed(whole: readonly CompareSeries[], zoomed: readonly CompareSeries[]): CompareSeries[] {
  const byId = new Map(zoomed.map((z) => [`${z.runId}\u0000${z.key}`, z]));
  return whole.map((w) => {
    const z = byId.get(`${w.runId}\u0000${w.key}`);
    const first = z?.xs[0];
    const last = z?.xs[z.xs.length - 1];
    if (z === undefined || first === undefined || last === undefined) return w;
    const before = w.xs.findIndex((x) => x >= first);
    const cut = before === -1 ? w.xs.length : before;
    const after = w.xs.findIndex((x) => x > last);
    const from = after === -1 ? w.xs.length : after;
    return {
      ...w,
      xs: [...w.xs.slice(0, cut), ...z.xs, ...w.xs.slice(from)],
      ys: [...w.ys.slice(0, cut), ...z.ys, ...w.ys.slice(from)],
    };
  });
}
