import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { parseIdx } from '../../../workers/data/idx';
import { loadImageDataset, readIdxFile, resolveDatasetDir } from '../../../workers/data/mnist';

const mnist = datasetCatalogue.mnist;
const dir = resolveDatasetDir(mnist);

describe('IDX parser', () => {
  it('parses the real MNIST label file', () => {
    const t = parseIdx(new Uint8Array(readFileSync(join(dir, mnist.files.testLabels))), 'labels');
    expect(t.dtype).toBe('uint8');
    expect(t.dims).toEqual([10000]);
    expect(Array.from(t.data.slice(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('reads the first N images of the real MNIST header', () => {
    const t = readIdxFile(join(dir, mnist.files.trainImages), 3);
    expect(t.dims).toEqual([3, 28, 28]);
    expect(t.data.length).toBe(3 * 784);
  });

  it('rejects a truncated file, saying expected vs found', () => {
    const head = new Uint8Array(readFileSync(join(dir, mnist.files.testImages))).subarray(0, 1000);
    expect(() => parseIdx(head, 't10k')).toThrow(/t10k: truncated IDX file: dimensions \[10000, 28, 28\].*need 7840016 bytes.*found 1000/);
  });

  it('rejects wrong magic, unknown types and zero dims', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]), 'f')).toThrow(/f: not an IDX file: magic starts with 0x01 0x00/);
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 1]), 'g')).toThrow(/gzip/);
    expect(() => parseIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 1, 5]), 'h')).toThrow(/unknown IDX data type 0x07/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]), 'z')).toThrow(/dimension 0 is 0/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1]), 'hd')).toThrow(/truncated IDX header/);
  });

  it('parses big-endian int32 and float32 data', () => {
    const b = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]);
    expect(Array.from(parseIdx(b, 'i').data)).toEqual([256, -2]);
    const f = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0]);
    expect(Array.from(parseIdx(f, 'f').data)).toEqual([1]);
  });

  it('loads a scaled MNIST subset', () => {
    const d = loadImageDataset(mnist, { trainSize: 100, testSize: 20 });
    expect(d.trainImages.length).toBe(100 * 784);
    expect(d.testLabels.length).toBe(20);
    expect(Math.max(...d.trainImages)).toBeLessThanOrEqual(1);
    expect(Math.max(...d.trainImages)).toBeGreaterThan(0.9);
    expect(d.trainLabels[0]).toBe(5);
  });
});
