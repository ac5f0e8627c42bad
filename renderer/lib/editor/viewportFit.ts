/**
 * Where "zoom to fit" puts the canvas's viewport. vue-flow's own fitView
 * centres the graph at whatever zoom shows all of it, which draws LeNet's
 * nine layers at 5 px text on a laptop screen; this one never zooms below
 * the zoom at which node titles stay readable, and when the graph is then
 * larger than the canvas it shows the graph's start (top, and left) so the
 * user scrolls on from the input, as on a page. Space reserved at the
 * canvas's edges (the minimap's strip) is left free of layers.
 */

/** The size of a node title's text (ArchitectureLayerNode.vue). */
export const TITLE_FONT_PX = 14;
/** The smallest on-screen title size zoom-to-fit allows. */
export const MIN_TITLE_PX = 10.5;
/** The zoom below which fitting stops: titles at MIN_TITLE_PX. */
export const MIN_FIT_ZOOM = MIN_TITLE_PX / TITLE_FONT_PX;
/** Fitting a small graph does not blow it up beyond this. */
export const MAX_FIT_ZOOM = 1.2;

export interface Rect { x: number; y: number; width: number; height: number }
export interface Size { width: number; height: number }
export interface Insets { top: number; right: number; bottom: number; left: number }
export interface Viewport { x: number; y: number; zoom: number }

export const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 };

export interface FitOptions {
  /** Screen pixels kept free around the graph. */
  padding?: number;
  /** Screen pixels at the canvas's edges that layers should not sit under (overlays). */
  insets?: Insets;
  minZoom?: number;
  maxZoom?: number;
}

/** The bounding box of node boxes (flow coordinates); undefined for none. */
export function boundsOf(boxes: readonly Rect[]): Rect | undefined {
  if (boxes.length === 0) return undefined;
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** One axis: centred in the free span when it fits, else its start at the span's start. */
function offset(start: number, length: number, zoom: number, spanStart: number, span: number): number {
  const drawn = length * zoom;
  return drawn <= span ? spanStart + (span - drawn) / 2 - start * zoom : spanStart - start * zoom;
}

/**
 * The viewport (vue-flow's: screen = flow · zoom + (x, y)) that shows
 * `bounds` in `canvas`: the largest zoom in [minZoom, maxZoom] at which it
 * fits the free area, each axis centred when it fits at that zoom and
 * aligned to its start when it does not.
 */
export function fitViewport(bounds: Rect, canvas: Size, o: FitOptions = {}): Viewport {
  const pad = o.padding ?? 24;
  const ins = o.insets ?? NO_INSETS;
  const minZoom = o.minZoom ?? MIN_FIT_ZOOM;
  const maxZoom = Math.max(minZoom, o.maxZoom ?? MAX_FIT_ZOOM);
  const left = ins.left + pad;
  const top = ins.top + pad;
  const w = Math.max(1, canvas.width - ins.left - ins.right - 2 * pad);
  const h = Math.max(1, canvas.height - ins.top - ins.bottom - 2 * pad);
  const fits = Math.min(w / Math.max(1, bounds.width), h / Math.max(1, bounds.height));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fits));
  return { x: offset(bounds.x, bounds.width, zoom, left, w), y: offset(bounds.y, bounds.height, zoom, top, h), zoom };
}
