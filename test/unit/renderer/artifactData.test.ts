import { describe, expect, it } from 'vitest';
import { base64ToBlob, base64ToBytes, base64ToJson, parseLatentScatter, pngDataUrl, scatterByLabel } from '../../../renderer/lib/artifactData';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('artifact bytes', () => {
  it('decodes base64 to the original bytes', () => {
    const bytes = Uint8Array.from([0, 1, 2, 254, 255, 137, 80, 78, 71]);
    expect([...base64ToBytes(Buffer.from(bytes).toString('base64'))]).toEqual([...bytes]);
    expect([...base64ToBytes('')]).toEqual([]);
    expect([...base64ToBytes('AAE=\n')]).toEqual([0, 1]);
  });

  it('refuses what is not base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow('not valid base64');
    expect(() => base64ToBytes('A')).toThrow('not valid base64');
  });

  it('makes a Blob of the MIME type with the bytes', async () => {
    const blob = base64ToBlob(Buffer.from([1, 2, 3]).toString('base64'), 'image/png');
    expect(blob.type).toBe('image/png');
    expect(blob.size).toBe(3);
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it('parses UTF-8 JSON documents', () => {
    expect(base64ToJson(b64(JSON.stringify({ caption: 'z ≈ μ', n: [1, 2] })))).toEqual({ caption: 'z ≈ μ', n: [1, 2] });
    expect(() => base64ToJson(b64('{oops'))).toThrow();
  });

  it('builds data: URLs for thumbnails', () => {
    expect(pngDataUrl('iVBOR')).toBe('data:image/png;base64,iVBOR');
  });
});

describe('latent scatter documents', () => {
  it('keeps valid points and groups them by label', () => {
    const data = parseLatentScatter({
      method: 'umap', latentDim: 2,
      points: [[0, 1], [2, 3], [Number.NaN, 1], [4, 5], 'x'],
      labels: [3, 1, 1, 3, 0],
      testIndices: [10, 11, 12, 13, 14],
    });
    expect(data.points).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(data.labels).toEqual([3, 1, 3]);
    expect(data.testIndices).toEqual([10, 11, 13]);
    expect(scatterByLabel(data)).toEqual([{ label: 1, points: [[2, 3]] }, { label: 3, points: [[0, 1], [4, 5]] }]);
  });

  it('rejects documents that are not scatters', () => {
    expect(() => parseLatentScatter(null)).toThrow('not an object');
    expect(() => parseLatentScatter({ method: 'tsne', points: [], labels: [] })).toThrow('Unknown projection');
    expect(() => parseLatentScatter({ method: 'pca', points: [[0, 0]], labels: [] })).toThrow('1 points but 0 labels');
  });
});
