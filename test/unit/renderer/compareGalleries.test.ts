import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import {
  defaultGalleryKind, galleryAxis, galleryCells, galleryKindOffers, galleryPositions, galleryQuery, imageAtOrBefore, kindImages,
  parseGalleryQuery, positionIndex,
} from '../../../renderer/lib/compareGalleries';

let nextId = 1;
function art(runId: number, kind: string, step: number, epoch?: number): ArtifactInfo {
  const id = nextId++;
  const mime = kind === 'checkpoint' ? 'inode/directory' : kind === 'latent-scatter' ? 'application/json' : 'image/png';
  return { id, runId, kind, step, meta: epoch === undefined ? {} : { epoch }, createdAt: 1000 + id, mime };
}

describe('the kinds offered', () => {
  it('are every image kind some run has, in the gallery order, with how many runs have each; the default is the most shared', () => {
    const a = [art(1, 'samples', 10), art(1, 'checkpoint', 10), art(1, 'latent-scatter', 10)];
    const b = [art(2, 'reconstructions', 10), art(2, 'samples', 10)];
    const c = [art(3, 'samples', 5), art(3, 'zzz-custom', 5)];
    const offers = galleryKindOffers([a, b, c]);
    expect(offers).toEqual([{ kind: 'reconstructions', runs: 1 }, { kind: 'samples', runs: 3 }, { kind: 'zzz-custom', runs: 1 }]);
    expect(defaultGalleryKind(offers)).toBe('samples');
    // A tie goes to the first in gallery order.
    expect(defaultGalleryKind(galleryKindOffers([b]))).toBe('reconstructions');
    expect(defaultGalleryKind(galleryKindOffers([[], [art(4, 'checkpoint', 1)]]))).toBeNull();
  });
});

describe('the slider positions', () => {
  it('count epochs when every image records a distinct one per run, so runs with different batch sizes line up', () => {
    const small = [art(1, 'samples', 30, 1), art(1, 'samples', 60, 2), art(1, 'samples', 90, 3)];
    const large = [art(2, 'samples', 15, 1), art(2, 'samples', 30, 2)];
    expect(galleryAxis([small, large])).toBe('epoch');
    expect(galleryPositions([small, large], 'epoch')).toEqual([1, 2, 3]);
  });

  it('count steps when an image has no epoch or a run has two at one epoch (mid-epoch galleries)', () => {
    const midEpoch = [art(1, 'samples', 10, 1), art(1, 'samples', 20, 1), art(1, 'samples', 40, 2)];
    const other = [art(2, 'samples', 20, 1), art(2, 'samples', 30, 2)];
    expect(galleryAxis([midEpoch, other])).toBe('step');
    expect(galleryPositions([midEpoch, other], 'step')).toEqual([10, 20, 30, 40]);
    expect(galleryAxis([[art(3, 'samples', 5)], other])).toBe('step');
  });

  it('index the newest when none is asked for, else the last at or before the asked one', () => {
    const positions = [0, 10, 20, 40];
    expect(positionIndex(positions, null)).toBe(3);
    expect(positionIndex(positions, 20)).toBe(2);
    expect(positionIndex(positions, 35)).toBe(2);
    expect(positionIndex(positions, 1000)).toBe(3);
    expect(positionIndex([5, 10], 2)).toBe(0);
    expect(positionIndex([], 10)).toBe(-1);
  });
});

describe('each run at the position', () => {
  const a = [art(1, 'samples', 10), art(1, 'samples', 20), art(1, 'samples', 40)];
  const b = [art(2, 'samples', 30)];

  it('shows the image there, else the nearest earlier one, else none yet', () => {
    expect(imageAtOrBefore(a, 20, 'step')?.step).toBe(20);
    expect(imageAtOrBefore(a, 35, 'step')?.step).toBe(20);
    expect(imageAtOrBefore(a, 5, 'step')).toBeUndefined();
    const cells = galleryCells([1, 2], [a, b], 20, 'step');
    expect(cells.map((c) => [c.runId, c.image?.step ?? null, c.exact])).toEqual([[1, 20, true], [2, null, false]]);
    const later = galleryCells([1, 2], [a, b], 40, 'step');
    expect(later.map((c) => [c.image?.step, c.exact])).toEqual([[40, true], [30, false]]);
    expect(galleryCells([1, 2], [a, b], null, 'step').every((c) => c.image === null)).toBe(true);
  });

  it('takes the latest written of images sharing a position, and finds epochs by epoch', () => {
    const again = art(1, 'samples', 20);
    expect(imageAtOrBefore([...a, again], 25, 'step')?.id).toBe(again.id);
    const byEpoch = [art(3, 'samples', 30, 1), art(3, 'samples', 60, 2)];
    expect(imageAtOrBefore(byEpoch, 1, 'epoch')?.step).toBe(30);
    expect(galleryCells([3], [byEpoch], 3, 'epoch')[0]).toMatchObject({ exact: false, image: { step: 60 } });
  });

  it('keeps one kind of image only, in step order', () => {
    const mixed = [art(1, 'samples', 30), art(1, 'reconstructions', 10), art(1, 'samples', 10), art(1, 'checkpoint', 10)];
    expect(kindImages(mixed, 'samples').map((x) => x.step)).toEqual([10, 30]);
    expect(kindImages(mixed, 'checkpoint')).toEqual([]);
  });
});

describe('the URL state', () => {
  it('round-trips the kind and position, leaving out what is not chosen and ignoring what is malformed', () => {
    expect(parseGalleryQuery({ gallery: 'samples', galleryAt: '40' })).toEqual({ kind: 'samples', at: 40 });
    expect(parseGalleryQuery({ galleryAt: '-1' })).toEqual({ kind: null, at: null });
    expect(parseGalleryQuery({ gallery: '', galleryAt: '1.5' })).toEqual({ kind: null, at: null });
    expect(galleryQuery({ kind: 'samples', at: 0 })).toEqual({ gallery: 'samples', galleryAt: '0' });
    expect(galleryQuery({ kind: null, at: null })).toEqual({ gallery: undefined, galleryAt: undefined });
    expect(parseGalleryQuery(galleryQuery({ kind: 'reconstructions', at: 3 }))).toEqual({ kind: 'reconstructions', at: 3 });
  });
});
