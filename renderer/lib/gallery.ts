/**
 * The gallery's pure logic: which artifacts are images to browse, grouped by
 * kind in step order; where the slider stands after new ones arrive; the
 * geometry of an image grid (which cell a click hit). No Vue.
 */
import type { ArtifactInfo } from '../../main/common/domain';
import type { ImageGridMeta } from '../../workers/common/gallery';
import { imageArtifactKinds, isDataArtifactKind } from '../../workers/common/families/registry';
import { imageGridFields, imageGridMeta, numberEntries } from './artifactMeta';

type Meta = Readonly<Record<string, unknown>>;

/** Image artifacts only: no checkpoints, no data kinds (drawn elsewhere), no other MIME types. */
export function isGalleryArtifact(a: Pick<ArtifactInfo, 'kind' | 'mime'>): boolean {
  if (a.kind === 'checkpoint' || isDataArtifactKind(a.kind)) return false;
  return a.mime === '' || a.mime.startsWith('image/');
}

export function compareArtifacts(a: Pick<ArtifactInfo, 'step' | 'id'>, b: Pick<ArtifactInfo, 'step' | 'id'>): number {
  return a.step - b.step || a.id - b.id;
}

/** Insert or replace (by id) keeping step order; returns a new array. */
export function insertArtifact<T extends Pick<ArtifactInfo, 'step' | 'id'>>(list: readonly T[], item: T): T[] {
  const out = list.filter((a) => a.id !== item.id);
  let i = out.length;
  while (i > 0 && compareArtifacts(out[i - 1]!, item) > 0) i--;
  out.splice(i, 0, item);
  return out;
}

/**
 * Gallery artifacts by kind, each list in step order; kinds in `order` (a
 * family's declared image kinds; every family's by default), unknown kinds
 * after, by name.
 */
export function groupGallery(artifacts: readonly ArtifactInfo[], order: readonly string[] = imageArtifactKinds()): Map<string, ArtifactInfo[]> {
  const groups = new Map<string, ArtifactInfo[]>();
  for (const a of artifacts) {
    if (!isGalleryArtifact(a)) continue;
    let g = groups.get(a.kind);
    if (!g) {
      g = [];
      groups.set(a.kind, g);
    }
    g.push(a);
  }
  const rank = (k: string): number => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  const kinds = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return new Map(kinds.map((k) => [k, groups.get(k)!.sort(compareArtifacts)]));
}

/** The newest artifact of a kind (highest step, then id), e.g. the latest latent scatter. */
export function newestOfKind(artifacts: readonly ArtifactInfo[], kind: string): ArtifactInfo | undefined {
  let best: ArtifactInfo | undefined;
  for (const a of artifacts) {
    if (a.kind !== kind) continue;
    if (!best || a.createdAt > best.createdAt || (a.createdAt === best.createdAt && a.id > best.id)) best = a;
  }
  return best;
}

/**
 * Where the slider should stand in `list` (step order). The shown artifact
 * keeps its place when others arrive; a viewer at the newest one (or with
 * nothing chosen yet) follows the newest.
 */
export function selectIndex(list: readonly Pick<ArtifactInfo, 'id'>[], selectedId: number | null, follow: boolean): number {
  if (list.length === 0) return -1;
  if (!follow && selectedId !== null) {
    const i = list.findIndex((a) => a.id === selectedId);
    if (i >= 0) return i;
  }
  return list.length - 1;
}

/** The next index while playing; null at the end (playback stops there). */
export function nextPlayIndex(index: number, length: number): number | null {
  if (length <= 0) return null;
  return index + 1 < length ? index + 1 : null;
}

/** Clamp a slider value to a valid index. */
export function clampIndex(value: number, length: number): number {
  if (length <= 0 || !Number.isFinite(value)) return length > 0 ? length - 1 : -1;
  return Math.min(length - 1, Math.max(0, Math.round(value)));
}

/** Row labels to show beside the grid: exactly one per row, or none. */
export function rowLabels(meta: Meta): string[] {
  const g = imageGridMeta(meta);
  const labels = g?.rowLabels;
  return g && labels && labels.length === g.rows ? labels : [];
}

export interface GridGeometry {
  rows: number;
  cols: number;
  /** Cell size in image pixels (after scaling). */
  cellWidth: number;
  cellHeight: number;
  /** Pixels between cells and around the grid. */
  gap: number;
}

/**
 * How a grid PNG is laid out: cells of cellWidth × cellHeight drawn `scale`×
 * larger, with `gap` pixels between and around them (workers/engine/imageGrid).
 * The meta has no gap or scale: find the small integers that fit the image's
 * natural size. Null when none does (then cells are not addressable).
 */
export function gridGeometry(meta: Pick<ImageGridMeta, 'rows' | 'cols' | 'cellHeight' | 'cellWidth'>, naturalWidth: number, naturalHeight: number): GridGeometry | null {
  for (let scale = 1; scale <= 16; scale++) {
    const cw = meta.cellWidth * scale;
    const ch = meta.cellHeight * scale;
    const gapW = (naturalWidth - meta.cols * cw) / (meta.cols + 1);
    const gapH = (naturalHeight - meta.rows * ch) / (meta.rows + 1);
    if (gapW === gapH && Number.isInteger(gapW) && gapW >= 0 && gapW <= 8) {
      return { rows: meta.rows, cols: meta.cols, cellWidth: cw, cellHeight: ch, gap: gapW };
    }
  }
  return null;
}

export interface GridCell {
  row: number;
  col: number;
  /** Row-major index into the grid's cells (and its meta arrays: labels, z, testIndices). */
  index: number;
  /** Source rectangle in image pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The cell under a point given in image pixels; a click on a gap picks the nearest cell. */
export function cellAt(g: GridGeometry, x: number, y: number): GridCell | null {
  const totalW = g.cols * g.cellWidth + (g.cols + 1) * g.gap;
  const totalH = g.rows * g.cellHeight + (g.rows + 1) * g.gap;
  if (!(x >= 0 && y >= 0 && x <= totalW && y <= totalH)) return null;
  const col = Math.min(g.cols - 1, Math.max(0, Math.floor((x - g.gap / 2) / (g.cellWidth + g.gap))));
  const row = Math.min(g.rows - 1, Math.max(0, Math.floor((y - g.gap / 2) / (g.cellHeight + g.gap))));
  return {
    row,
    col,
    index: row * g.cols + col,
    x: g.gap + col * (g.cellWidth + g.gap),
    y: g.gap + row * (g.cellHeight + g.gap),
    width: g.cellWidth,
    height: g.cellHeight,
  };
}

/** What a grid cell shows, from the meta's per-cell arrays, for the zoom's caption. */
export function describeCell(meta: Meta, cell: Pick<GridCell, 'row' | 'col' | 'index'>): string {
  if (Array.isArray(meta['distances'])) return describeNeighbourCell(meta, cell);
  const fields = imageGridFields(meta);
  const parts: string[] = [];
  const labels = rowLabels(meta);
  if (labels[cell.row]) parts.push(labels[cell.row]!);
  parts.push(`row ${cell.row + 1}, column ${cell.col + 1}`);
  // Per-image lists are per column when rows are views of the same images (input / reconstruction).
  const perImage = (list: readonly number[] | undefined): number | undefined => {
    if (!list) return undefined;
    return list.length === (imageGridMeta(meta)?.cols ?? -1) && labels.length > 0 ? list[cell.col] : list[cell.index];
  };
  const idx = perImage(fields.testIndices);
  if (idx !== undefined) parts.push(`test #${idx}`);
  const label = perImage(fields.labels);
  if (label !== undefined) parts.push(`label ${label}`);
  const z = fields.z?.[cell.index];
  if (z && z.length <= 8) parts.push(`z = [${z.map((v) => v.toFixed(2)).join(', ')}]`);
  // A per-cell caption (a classifier's mistake: "7 → 1 (98 %)").
  const cellLabels = meta['cellLabels'];
  const text = Array.isArray(cellLabels) ? cellLabels[cell.index] : undefined;
  if (typeof text === 'string') parts.push(text);
  return parts.join(' · ');
}

/** File name for a downloaded grid. */
export function artifactFileName(runId: number, a: Pick<ArtifactInfo, 'kind' | 'step' | 'id' | 'mime'>): string {
  const ext = a.mime === 'image/png' || a.mime === '' ? 'png' : a.mime.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin';
  return `run-${runId}-${a.kind}-step-${a.step}-${a.id}.${ext}`;
}

/** Every cell of a grid, row-major (the rectangles a one-row strip is cut into). */
export function gridCells(g: GridGeometry): GridCell[] {
  const out: GridCell[] = [];
  for (let row = 0; row < g.rows; row++) {
    for (let col = 0; col < g.cols; col++) {
      out.push({
        row, col, index: row * g.cols + col,
        x: g.gap + col * (g.cellWidth + g.gap), y: g.gap + row * (g.cellHeight + g.gap), width: g.cellWidth, height: g.cellHeight,
      });
    }
  }
  return out;
}

/**
 * The grid cell under a click on a displayed grid image: the click's offset
 * (CSS pixels in the element) is scaled from the displayed size to the
 * image's natural size, and the cell found from the grid meta (rows, cols,
 * cellHeight, cellWidth). Null when the meta has no grid, the geometry does
 * not fit the image, or the click is outside it.
 */
export function cellAtClick(
  meta: Meta,
  natural: { width: number; height: number },
  displayed: { width: number; height: number },
  offset: { x: number; y: number },
): GridCell | null {
  const g = imageGridMeta(meta);
  if (!g || natural.width <= 0 || natural.height <= 0 || displayed.width <= 0 || displayed.height <= 0) return null;
  const geometry = gridGeometry(g, natural.width, natural.height);
  if (!geometry) return null;
  return cellAt(geometry, (offset.x / displayed.width) * natural.width, (offset.y / displayed.height) * natural.height);
}

export interface NeighbourEntry {
  /** 1 for the nearest. */
  rank: number;
  trainIndex: number | null;
  label: number | null;
  /** L2 distance to the sample, pixels in [0, 1]. */
  distance: number | null;
}

/**
 * The neighbours of a 'neighbours' artifact (cell 0 is the sample, then the
 * neighbours, nearest first) from its meta: trainIndices and distances have
 * one entry per neighbour; labels one per neighbour, or one per cell (then the
 * sample's comes first and is skipped).
 */
export function neighbourEntries(meta: Meta): NeighbourEntry[] {
  const distances = numberEntries(meta, 'distances');
  const trainIndices = numberEntries(meta, 'trainIndices');
  let labels = numberEntries(meta, 'labels');
  const g = imageGridMeta(meta);
  const count = distances.length || trainIndices.length || (g ? Math.max(0, g.rows * g.cols - 1) : 0);
  if (labels.length === count + 1) labels = labels.slice(1);
  return Array.from({ length: count }, (_, i) => ({
    rank: i + 1,
    trainIndex: trainIndices[i] ?? null,
    label: labels[i] ?? null,
    distance: distances[i] ?? null,
  }));
}

/** A cell of a 'neighbours' strip: the sample (cell 0), or a neighbour with its training index, label and distance. */
function describeNeighbourCell(meta: Meta, cell: Pick<GridCell, 'row' | 'col' | 'index'>): string {
  const where = `row ${cell.row + 1}, column ${cell.col + 1}`;
  if (cell.index === 0) return `the sample · ${where}`;
  const e = neighbourEntries(meta)[cell.index - 1];
  if (!e) return where;
  const parts = [`neighbour #${e.rank}`, where];
  if (e.trainIndex !== null) parts.push(`train #${e.trainIndex}`);
  if (e.label !== null) parts.push(`label ${e.label}`);
  if (e.distance !== null) parts.push(`L2 ${e.distance.toFixed(2)}`);
  return parts.join(' · ');
}
