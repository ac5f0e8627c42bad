/**
 * Typed readers of an artifact's meta. On the wire the meta is a plain JSON
 * object (ArtifactInfo.meta); these check each field's type and narrow it to
 * what workers/common/gallery.ts says the worker writes, so no component
 * reads `meta['z']` and hopes. A field of the wrong type is left out. Pure;
 * no Vue.
 */
import type { ImageGridMeta } from '../../workers/common/gallery';

type Meta = Readonly<Record<string, unknown>>;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const positiveInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
const numbers = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every(isFiniteNumber) ? [...v] : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map((x) => String(x)) : undefined);
const vectors = (v: unknown): number[][] | undefined => (Array.isArray(v) && v.every((z) => numbers(z) !== undefined) ? v.map((z: number[]) => [...z]) : undefined);

/** The epoch an artifact was made at, when its meta says. */
export function artifactEpoch(meta: Meta): number | undefined {
  return isFiniteNumber(meta['epoch']) ? meta['epoch'] : undefined;
}

/** The free-form description an artifact carries, when it has one. */
export function artifactCaption(meta: Meta): string | undefined {
  return typeof meta['caption'] === 'string' ? meta['caption'] : undefined;
}

/**
 * A meta's list of numbers by position, each entry that is not a finite
 * number as null (a 'neighbours' strip's distances, train indices and
 * labels); [] when the field is not a list.
 */
export function numberEntries(meta: Meta, key: 'distances' | 'trainIndices' | 'labels' | 'testIndices'): (number | null)[] {
  const v = meta[key];
  return Array.isArray(v) ? v.map((x) => (isFiniteNumber(x) ? x : null)) : [];
}

/** The image-grid fields a meta has, each only when it has the type ImageGridMeta gives it. */
export function imageGridFields(meta: Meta): Partial<ImageGridMeta> {
  const out: Partial<ImageGridMeta> = {};
  const rows = positiveInt(meta['rows']);
  const cols = positiveInt(meta['cols']);
  const cellHeight = positiveInt(meta['cellHeight']);
  const cellWidth = positiveInt(meta['cellWidth']);
  const channels = positiveInt(meta['channels']);
  if (rows !== undefined) out.rows = rows;
  if (cols !== undefined) out.cols = cols;
  if (cellHeight !== undefined) out.cellHeight = cellHeight;
  if (cellWidth !== undefined) out.cellWidth = cellWidth;
  if (channels !== undefined) out.channels = channels;
  const epoch = artifactEpoch(meta);
  if (epoch !== undefined) out.epoch = epoch;
  const caption = artifactCaption(meta);
  if (caption !== undefined) out.caption = caption;
  const rowLabels = strings(meta['rowLabels']);
  if (rowLabels) out.rowLabels = rowLabels;
  for (const key of ['testIndices', 'labels', 'trainIndices', 'distances'] as const) {
    const list = numbers(meta[key]);
    if (list) out[key] = list;
  }
  const z = vectors(meta['z']);
  if (z) out.z = z;
  return out;
}

/** The meta of an image-grid artifact, when it has the grid's size (rows, columns and cell size; one channel unless said). */
export function imageGridMeta(meta: Meta): ImageGridMeta | null {
  const f = imageGridFields(meta);
  if (f.rows === undefined || f.cols === undefined || f.cellHeight === undefined || f.cellWidth === undefined) return null;
  return { ...f, rows: f.rows, cols: f.cols, cellHeight: f.cellHeight, cellWidth: f.cellWidth, channels: f.channels ?? 1 };
}
