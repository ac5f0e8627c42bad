/** The typed readers of an artifact's meta: each field kept only with the type the gallery contract gives it. */
import { describe, expect, it } from 'vitest';
import { artifactCaption, artifactEpoch, imageGridFields, imageGridMeta, numberEntries } from '../../../renderer/lib/artifactMeta';

const grid = { rows: 2, cols: 3, cellHeight: 28, cellWidth: 28 };

describe('artifact meta readers', () => {
  it('reads an image grid, one channel unless said, and refuses a meta without the grid’s size', () => {
    expect(imageGridMeta(grid)).toEqual({ ...grid, channels: 1 });
    expect(imageGridMeta({ ...grid, channels: 3 })!.channels).toBe(3);
    expect(imageGridMeta({ ...grid, rows: 0 })).toBeNull();
    expect(imageGridMeta({ ...grid, cols: 2.5 })).toBeNull();
    expect(imageGridMeta({ rows: 2, cols: 3 })).toBeNull();
    expect(imageGridMeta({})).toBeNull();
  });

  it('keeps the optional fields of the right type and drops the others', () => {
    const meta = {
      ...grid, epoch: 3, caption: 'samples', rowLabels: ['input', 1], testIndices: [1, 2, 3], labels: [1, 'x'],
      z: [[0.5, 1], [2, 3]], distances: 'far', trainIndices: [4],
    };
    expect(imageGridMeta(meta)).toEqual({
      ...grid, channels: 1, epoch: 3, caption: 'samples', rowLabels: ['input', '1'], testIndices: [1, 2, 3], z: [[0.5, 1], [2, 3]], trainIndices: [4],
    });
    expect(imageGridFields({ z: [[1], ['a']], epoch: Number.NaN, caption: 7 })).toEqual({});
    expect(imageGridFields({ cols: 8 })).toEqual({ cols: 8 });
  });

  it('reads the epoch and the caption on their own, and positional number lists with gaps', () => {
    expect(artifactEpoch({ epoch: 2 })).toBe(2);
    expect(artifactEpoch({ epoch: '2' })).toBeUndefined();
    expect(artifactCaption({ caption: 'a − b + c' })).toBe('a − b + c');
    expect(artifactCaption({})).toBeUndefined();
    expect(numberEntries({ distances: [1, 'x', null, 2.5] }, 'distances')).toEqual([1, null, null, 2.5]);
    expect(numberEntries({ distances: 3 }, 'distances')).toEqual([]);
  });
});
