import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { encodeGridPng } from '../../../workers/engine/imageGrid';

describe('image grids', () => {
  it('lays out cells with gaps and maps [0,1] to 0..255, clamping', () => {
    // Two 2×2 grey images: the first all 1 (white), the second a ramp with out-of-range values.
    const pixels = new Float32Array([1, 1, 1, 1, -0.5, 0.5, 0.25, 2]);
    const png = PNG.sync.read(encodeGridPng({ pixels, count: 2, height: 2, width: 2, channels: 1 }, { rows: 1, cols: 2, gap: 1 }));
    expect([png.width, png.height]).toEqual([2 * 2 + 3, 2 + 2]);
    const at = (x: number, y: number): number => png.data[(y * png.width + x) * 4]!;
    expect(at(0, 0)).toBe(0); // gap
    expect(at(1, 1)).toBe(255);
    expect(at(4, 1)).toBe(0); // -0.5 clamped
    expect(at(5, 1)).toBe(128);
    expect(at(4, 2)).toBe(64);
    expect(at(5, 2)).toBe(255); // 2 clamped
  });
});
