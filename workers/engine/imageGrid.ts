/**
 * Image grids for the galleries: n images in [0, 1] (NHWC, 1 or 3 channels)
 * laid out in rows × cols with a 1-pixel gap, written as PNG by pngjs, with
 * the meta the services record next to the file.
 */
import { mkdirPrivate, writePrivateFile } from './privateFiles';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import type { ImageGridMeta } from '../common/gallery';

export interface GridImages {
  /** n × h × w × c values, row-major, nominally in [0, 1] (clamped). */
  pixels: Float32Array | readonly number[];
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface GridLayout {
  rows: number;
  cols: number;
  /** Pixels between cells (drawn in the background colour). */
  gap?: number;
  /** Each cell is drawn scale× larger (nearest neighbour). */
  scale?: number;
}

/** Encode the grid as a PNG; cells past `count` stay empty. */
export function encodeGridPng(images: GridImages, layout: GridLayout): Buffer {
  const { height: h, width: w, channels: c, count } = images;
  const gap = layout.gap ?? 1;
  const scale = layout.scale ?? 1;
  const cellH = h * scale;
  const cellW = w * scale;
  const width = layout.cols * cellW + (layout.cols + 1) * gap;
  const height = layout.rows * cellH + (layout.rows + 1) * gap;
  const png = new PNG({ width, height });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255; // opaque black background
  const px = images.pixels;
  for (let k = 0; k < Math.min(count, layout.rows * layout.cols); k++) {
    const r = Math.floor(k / layout.cols);
    const col = k % layout.cols;
    const x0 = gap + col * (cellW + gap);
    const y0 = gap + r * (cellH + gap);
    for (let y = 0; y < cellH; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < cellW; x++) {
        const sx = Math.floor(x / scale);
        const base = ((k * h + sy) * w + sx) * c;
        const o = ((y0 + y) * width + (x0 + x)) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const v = px[base + (c === 1 ? 0 : ch)] ?? 0;
          png.data[o + ch] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** Write the grid PNG to `file` and return the meta to record with it. */
export async function writeImageGrid(file: string, images: GridImages, layout: GridLayout, extra: Partial<ImageGridMeta> = {}): Promise<ImageGridMeta> {
  await mkdirPrivate(dirname(file));
  await writePrivateFile(file, encodeGridPng(images, layout));
  return {
    ...extra,
    rows: layout.rows,
    cols: layout.cols,
    cellHeight: images.height,
    cellWidth: images.width,
    channels: images.channels,
  };
}
