/**
 * Nearest training neighbours of a generated sample (the memorisation check
 * of GAN papers): the sample is read back from the cell the user clicked in a
 * logged grid PNG (so it is exactly what they saw, at 8-bit precision), and
 * compared by Euclidean distance in pixel space ([0, 1]) with every image of
 * the training split. No tfjs: plain loops over Float32Arrays.
 */
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';

export interface GridGeometry {
  rows: number;
  cols: number;
  cellHeight: number;
  cellWidth: number;
  channels: number;
}

/** Check that meta (from an artifact record) describes an image grid. */
export function gridGeometry(meta: Record<string, unknown>): GridGeometry {
  const num = (k: string): number => {
    const v = meta[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`The samples grid has no valid '${k}' in its record`);
    return v;
  };
  const g = { rows: num('rows'), cols: num('cols'), cellHeight: num('cellHeight'), cellWidth: num('cellWidth'), channels: num('channels') };
  if (g.channels !== 1 && g.channels !== 3) throw new Error(`The samples grid has ${g.channels} channels; expected 1 or 3`);
  return g;
}

/**
 * The pixels (h × w × c, in [0, 1]) of cell `cell` (row-major) of a grid PNG
 * written by encodeGridPng: cells of cellHeight × cellWidth with an equal gap
 * between and around them (the gap is worked out from the PNG's size).
 */
export function gridCellPixels(png: PNG, g: GridGeometry, cell: number): Float32Array {
  if (!Number.isInteger(cell) || cell < 0 || cell >= g.rows * g.cols) throw new Error(`Cell ${cell} is outside the ${g.rows}×${g.cols} grid`);
  const gapX = (png.width - g.cols * g.cellWidth) / (g.cols + 1);
  const gapY = (png.height - g.rows * g.cellHeight) / (g.rows + 1);
  if (!Number.isInteger(gapX) || gapX < 0 || gapX !== gapY) {
    throw new Error(`The grid image is ${png.width}×${png.height} pixels, which does not match ${g.rows}×${g.cols} cells of ${g.cellHeight}×${g.cellWidth}`);
  }
  const r = Math.floor(cell / g.cols);
  const c = cell % g.cols;
  const x0 = gapX + c * (g.cellWidth + gapX);
  const y0 = gapY + r * (g.cellHeight + gapY);
  const out = new Float32Array(g.cellHeight * g.cellWidth * g.channels);
  for (let y = 0; y < g.cellHeight; y++) {
    for (let x = 0; x < g.cellWidth; x++) {
      const o = ((y0 + y) * png.width + (x0 + x)) * 4;
      for (let ch = 0; ch < g.channels; ch++) out[(y * g.cellWidth + x) * g.channels + ch] = png.data[o + ch]! / 255;
    }
  }
  return out;
}

export async function readGridCell(file: string, g: GridGeometry, cell: number): Promise<Float32Array> {
  let png: PNG;
  try {
    png = PNG.sync.read(await readFile(file));
  } catch (e) {
    throw new Error(`Could not read the samples grid ${file}: ${(e as Error).message}`, { cause: e });
  }
  return gridCellPixels(png, g, cell);
}

export interface Neighbours {
  /** Training-split indices, nearest first. */
  indices: number[];
  /** Their L2 distances to the query. */
  distances: number[];
}

/** The `count` images of `images` (n × per, row-major) nearest to `query` (per values) in L2, nearest first. */
export function nearestNeighbours(query: Float32Array, images: Float32Array, per: number, count: number): Neighbours {
  if (query.length !== per) throw new Error(`The sample has ${query.length} values but the training images have ${per}`);
  const n = Math.floor(images.length / per);
  const k = Math.min(count, n);
  // Sorted (ascending) best-k lists.
  const bestD: number[] = [];
  const bestI: number[] = [];
  for (let i = 0; i < n; i++) {
    const base = i * per;
    const limit = bestD.length === k ? bestD[k - 1]! : Infinity;
    let d = 0;
    for (let p = 0; p < per && d < limit; p++) {
      const diff = images[base + p]! - query[p]!;
      d += diff * diff;
    }
    if (d >= limit) continue;
    let pos = bestD.length;
    while (pos > 0 && bestD[pos - 1]! > d) pos--;
    bestD.splice(pos, 0, d);
    bestI.splice(pos, 0, i);
    if (bestD.length > k) { bestD.pop(); bestI.pop(); }
  }
  return { indices: bestI, distances: bestD.map(Math.sqrt) };
}
