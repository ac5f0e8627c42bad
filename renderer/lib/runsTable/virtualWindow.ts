/**
 * Which rows a virtualised list renders: those in the viewport at a scroll
 * offset plus `overscan` rows either side, with fixed-height spacers above
 * and below so the scroll height stays that of every row. Fixed row height
 * keeps this arithmetic, so 10,000 rows cost the same as 40.
 */
export interface VirtualWindow {
  /** First row rendered (inclusive) and the row after the last (exclusive). */
  start: number;
  end: number;
  /** Heights of the spacers before and after the rendered rows, in pixels. */
  padTop: number;
  padBottom: number;
}

export function virtualWindow(opts: { scrollTop: number; viewportHeight: number; rowHeight: number; count: number; overscan: number }): VirtualWindow {
  const { rowHeight, count, overscan } = opts;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const scrollTop = Math.max(0, opts.scrollTop);
  const first = Math.min(count - 1, Math.floor(scrollTop / rowHeight));
  const visible = Math.ceil(Math.max(0, opts.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}
