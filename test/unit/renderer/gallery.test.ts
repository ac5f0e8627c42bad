import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import {
  artifactFileName, cellAt, clampIndex, describeCell, gridGeometry, groupGallery, insertArtifact, isGalleryArtifact, newestOfKind,
  nextPlayIndex, rowLabels, selectIndex,
} from '../../../renderer/lib/gallery';
import { assignPick, emptySelection, isComplete, slotsOf } from '../../../renderer/lib/pickSlots';

let nextId = 1;
function art(kind: string, step: number, extra: Partial<ArtifactInfo> = {}): ArtifactInfo {
  const id = nextId++;
  return { id, runId: 1, kind, step, meta: {}, createdAt: 1000 + id, mime: kind === 'checkpoint' ? 'inode/directory' : kind === 'latent-scatter' ? 'application/json' : 'image/png', ...extra };
}

describe('gallery grouping and step order', () => {
  it('keeps image kinds only, in the contract order, each in step order', () => {
    const list = [art('samples', 20), art('checkpoint', 10), art('reconstructions', 10), art('samples', 10), art('latent-scatter', 30), art('zzz-custom', 1), art('manifold', 10)];
    const g = groupGallery(list);
    expect([...g.keys()]).toEqual(['reconstructions', 'samples', 'manifold', 'zzz-custom']);
    expect(g.get('samples')!.map((a) => a.step)).toEqual([10, 20]);
    expect(isGalleryArtifact({ kind: 'checkpoint', mime: 'inode/directory' })).toBe(false);
    expect(isGalleryArtifact({ kind: 'latent-scatter', mime: 'application/json' })).toBe(false);
  });

  it('inserts live artifacts in step order and replaces a repeated id', () => {
    const a = art('samples', 10);
    const b = art('samples', 30);
    const c = art('samples', 20);
    let list = insertArtifact([], a);
    list = insertArtifact(list, b);
    list = insertArtifact(list, c);
    expect(list.map((x) => x.step)).toEqual([10, 20, 30]);
    list = insertArtifact(list, { ...c, meta: { caption: 'again' } });
    expect(list).toHaveLength(3);
    expect(list[1]!.meta).toEqual({ caption: 'again' });
  });

  it('finds the newest artifact of a kind', () => {
    const old = art('latent-scatter', 100, { createdAt: 5 });
    const fresh = art('latent-scatter', 100, { createdAt: 9 });
    expect(newestOfKind([fresh, old, art('samples', 500)], 'latent-scatter')?.id).toBe(fresh.id);
    expect(newestOfKind([], 'latent-scatter')).toBeUndefined();
  });
});

describe('slider position', () => {
  const list = [{ id: 5 }, { id: 6 }, { id: 7 }];

  it('follows the newest, or stays on the chosen artifact when others arrive', () => {
    expect(selectIndex(list, null, true)).toBe(2);
    expect(selectIndex([...list, { id: 8 }], 7, true)).toBe(3);
    expect(selectIndex([...list, { id: 8 }], 6, false)).toBe(1);
    expect(selectIndex(list, 99, false)).toBe(2);
    expect(selectIndex([], null, true)).toBe(-1);
  });

  it('plays to the end, then stops', () => {
    expect(nextPlayIndex(0, 3)).toBe(1);
    expect(nextPlayIndex(2, 3)).toBeNull();
    expect(nextPlayIndex(0, 0)).toBeNull();
  });

  it('clamps slider values', () => {
    expect(clampIndex(7, 3)).toBe(2);
    expect(clampIndex(-1, 3)).toBe(0);
    expect(clampIndex(1.4, 3)).toBe(1);
    expect(clampIndex(Number.NaN, 3)).toBe(2);
    expect(clampIndex(0, 0)).toBe(-1);
  });
});

describe('grid geometry', () => {
  const meta = { rows: 2, cols: 10, cellHeight: 28, cellWidth: 28 };

  it('infers the gap (and a scale) from the natural size', () => {
    expect(gridGeometry(meta, 10 * 28 + 11, 2 * 28 + 3)).toEqual({ rows: 2, cols: 10, cellWidth: 28, cellHeight: 28, gap: 1 });
    expect(gridGeometry(meta, 10 * 56 + 22, 2 * 56 + 6)).toEqual({ rows: 2, cols: 10, cellWidth: 56, cellHeight: 56, gap: 2 });
    expect(gridGeometry(meta, 100, 100)).toBeNull();
  });

  it('maps a point to its cell, gaps to the nearest cell', () => {
    const g = gridGeometry(meta, 291, 59)!;
    expect(cellAt(g, 1, 1)).toEqual({ row: 0, col: 0, index: 0, x: 1, y: 1, width: 28, height: 28 });
    expect(cellAt(g, 290, 58)).toMatchObject({ row: 1, col: 9, index: 19, x: 262, y: 30 });
    expect(cellAt(g, 30, 30)).toMatchObject({ row: 1, col: 1, index: 11 });
    expect(cellAt(g, 400, 10)).toBeNull();
  });

  it('describes a cell from the meta', () => {
    const recon = { ...meta, rowLabels: ['input', 'reconstruction'], testIndices: [3, 2, 1, 18, 4, 8, 11, 0, 61, 7], labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
    expect(rowLabels(recon)).toEqual(['input', 'reconstruction']);
    expect(rowLabels({ ...meta, rowLabels: ['only one'] })).toEqual([]);
    expect(describeCell(recon, { row: 1, col: 3, index: 13 })).toBe('reconstruction · row 2, column 4 · test #18 · label 3');
    const samples = { rows: 1, cols: 2, cellHeight: 28, cellWidth: 28, z: [[0.5, -1], [1, 2]] };
    expect(describeCell(samples, { row: 0, col: 1, index: 1 })).toBe('row 1, column 2 · z = [1.00, 2.00]');
  });

  it('names downloads after the run, kind and step', () => {
    expect(artifactFileName(4, { kind: 'samples', step: 120, id: 9, mime: 'image/png' })).toBe('run-4-samples-step-120-9.png');
  });
});

describe('picking images into slots', () => {
  it('fills A then B then wraps', () => {
    const slots = ['a', 'b'];
    let s = emptySelection(slots);
    let next = 0;
    ({ selection: s, nextSlot: next } = assignPick(s, slots, next, 7));
    expect(isComplete(s, slots)).toBe(false);
    ({ selection: s, nextSlot: next } = assignPick(s, slots, next, 3));
    expect(s).toEqual({ a: 7, b: 3 });
    expect(isComplete(s, slots)).toBe(true);
    ({ selection: s, nextSlot: next } = assignPick(s, slots, next, 3));
    expect(s).toEqual({ a: 3, b: 3 });
    expect(next).toBe(1);
    expect(slotsOf(s, slots, 3)).toEqual(['a', 'b']);
  });
});
