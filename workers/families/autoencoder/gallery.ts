/**
 * Gallery artifacts shared by the autoencoder and PCA families: the fixed
 * reconstruction grid (the same test images every time) and the latent
 * scatter JSON. Files go under `${runDir}/gallery/<kind>/step-NNNNNNN.<ext>`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageGridMeta, LatentScatterData } from '../../common/gallery';
import type { Shape } from '../../common/graph';
import { writeImageGrid, type GridImages } from '../../engine/imageGrid';

export interface ImageGeometry { height: number; width: number; channels: 1 | 3 }

/** How to draw one example as an image, or undefined when its shape is not an image. */
export function imageGeometry(inputShape: Shape): ImageGeometry | undefined {
  const [a, b, c] = inputShape;
  if (inputShape.length === 3 && (c === 1 || c === 3)) return { height: a!, width: b!, channels: c };
  if (inputShape.length === 2) return { height: a!, width: b!, channels: 1 };
  if (inputShape.length === 1) {
    const side = Math.round(Math.sqrt(a!));
    if (side * side === a) return { height: side, width: side, channels: 1 };
  }
  return undefined;
}

/** The first test image of each class 0..9 (classes absent from the subset are skipped). */
export function galleryIndices(labels: Int32Array, numClasses: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < Math.min(10, numClasses); c++) {
    const i = labels.indexOf(c);
    if (i >= 0) out.push(i);
  }
  return out;
}

export function galleryPath(runDir: string, kind: string, step: number, ext: 'png' | 'json'): string {
  return join(runDir, 'gallery', kind, `step-${String(step).padStart(7, '0')}.${ext}`);
}

/** Copy examples `indices` of `images` (per values each) into one array. */
export function gather(images: Float32Array, per: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * per);
  indices.forEach((idx, k) => out.set(images.subarray(idx * per, (idx + 1) * per), k * per));
  return out;
}

export interface GridRow { label: string; pixels: Float32Array }

export interface ReconstructionGrid {
  runDir: string;
  step: number;
  geometry: ImageGeometry;
  /** One row per entry, each holding `testIndices.length` images. */
  rows: readonly GridRow[];
  testIndices: readonly number[];
  labels: readonly number[];
  epoch?: number;
  caption?: string;
}

/** Write the 'reconstructions' grid PNG; returns its path and meta. */
export async function writeReconstructionGrid(g: ReconstructionGrid): Promise<{ path: string; meta: ImageGridMeta }> {
  const cols = g.testIndices.length;
  const per = g.geometry.height * g.geometry.width * g.geometry.channels;
  const pixels = new Float32Array(g.rows.length * cols * per);
  g.rows.forEach((row, r) => pixels.set(row.pixels.subarray(0, cols * per), r * cols * per));
  const images: GridImages = { pixels, count: g.rows.length * cols, ...g.geometry };
  const path = galleryPath(g.runDir, 'reconstructions', g.step, 'png');
  const extra: Partial<ImageGridMeta> = { rowLabels: g.rows.map((r) => r.label), testIndices: [...g.testIndices], labels: [...g.labels] };
  if (g.epoch !== undefined) extra.epoch = g.epoch;
  if (g.caption !== undefined) extra.caption = g.caption;
  const meta = await writeImageGrid(path, images, { rows: g.rows.length, cols }, extra);
  return { path, meta };
}

/** Write a 'latent-scatter' JSON artifact; returns its path. */
export async function writeLatentScatter(runDir: string, step: number, data: LatentScatterData): Promise<string> {
  const path = galleryPath(runDir, 'latent-scatter', step, 'json');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(data)}\n`);
  return path;
}

/** [x, y] pairs from the first two columns of a row-major count × dim array. */
export function firstTwo(values: Float32Array, count: number, dim: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) out.push([values[i * dim]!, dim > 1 ? values[i * dim + 1]! : 0]);
  return out;
}
