/**
 * The compare view's side-by-side galleries, pure: which image kinds the
 * compared runs logged (and the one to open with), the slider's positions
 * (the union of the runs' epochs or steps for that kind), each run's image at
 * a position (its nearest earlier one when it has none there), and the kind
 * and position as URL query entries. No Vue.
 */
import type { ArtifactInfo } from '../../main/common/domain';
import { artifactEpoch } from './artifactMeta';
import { imageArtifactKinds } from '../../workers/common/families/registry';
import { groupGallery } from './gallery';

/** What the slider counts: epochs when every image of the kind records a distinct one per run, else steps. */
export type GalleryAxis = 'epoch' | 'step';

/** An image kind some compared runs logged, with how many of them did. */
export interface GalleryKindOffer {
  kind: string;
  runs: number;
}

/**
 * The image kinds at least one run has, in the gallery's order (the families'
 * declared order, unknown kinds after by name), each with its number of runs.
 * `perRun` is each run's artifact list (any kinds; checkpoints and data
 * documents are left out here).
 */
export function galleryKindOffers(perRun: readonly (readonly ArtifactInfo[])[]): GalleryKindOffer[] {
  const counts = new Map<string, number>();
  for (const list of perRun) for (const kind of groupGallery(list).keys()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const order = imageArtifactKinds();
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...counts.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((kind) => ({ kind, runs: counts.get(kind) ?? 0 }));
}

/** The kind to open with: the first (in gallery order) of those the most runs have; null when there are none. */
export function defaultGalleryKind(offers: readonly GalleryKindOffer[]): string | null {
  let best: GalleryKindOffer | null = null;
  for (const o of offers) if (best === null || o.runs > best.runs) best = o;
  return best?.kind ?? null;
}

/**
 * The kind's images of one run, in step order (id breaking ties): the
 * gallery's own grouping, so the compare view shows what the run page does.
 */
export function kindImages(list: readonly ArtifactInfo[], kind: string): ArtifactInfo[] {
  return groupGallery(list).get(kind) ?? [];
}

/**
 * Epochs line runs with different batch sizes up (step 600 of one is step 300
 * of another), so the slider counts epochs when it can: every image records
 * its epoch and no run has two at one epoch (mid-epoch galleries share their
 * epoch, and then only steps tell them apart).
 */
export function galleryAxis(perRun: readonly (readonly ArtifactInfo[])[]): GalleryAxis {
  for (const list of perRun) {
    const seen = new Set<number>();
    for (const a of list) {
      const e = artifactEpoch(a.meta);
      if (e === undefined || seen.has(e)) return 'step';
      seen.add(e);
    }
  }
  return 'epoch';
}

/** An image's place on the axis (galleryAxis only picks 'epoch' when every image records one). */
export function positionOf(a: Pick<ArtifactInfo, 'step' | 'meta'>, axis: GalleryAxis): number {
  return axis === 'epoch' ? (artifactEpoch(a.meta) ?? a.step) : a.step;
}

/** The slider's positions: every epoch (or step) at which any run has an image of the kind, ascending, once each. */
export function galleryPositions(perRun: readonly (readonly ArtifactInfo[])[], axis: GalleryAxis): number[] {
  const all = new Set<number>();
  for (const list of perRun) for (const a of list) all.add(positionOf(a, axis));
  return [...all].sort((a, b) => a - b);
}

/**
 * A run's image at `position`: the one there, else its nearest earlier one
 * (the latest written when several share a position); undefined when the run
 * has none at or before it. `images` is in step order (kindImages).
 */
export function imageAtOrBefore(images: readonly ArtifactInfo[], position: number, axis: GalleryAxis): ArtifactInfo | undefined {
  let best: ArtifactInfo | undefined;
  for (const a of images) {
    const p = positionOf(a, axis);
    if (p > position) continue;
    if (!best) {
      best = a;
      continue;
    }
    const bp = positionOf(best, axis);
    if (p > bp || (p === bp && (a.step > best.step || (a.step === best.step && a.id > best.id)))) best = a;
  }
  return best;
}

/**
 * The slider's index for a wanted position: the newest when none is wanted
 * (or nothing is earlier than it), else the last position at or before it,
 * so a URL naming a step the runs no longer have still lands nearby. -1 when
 * there are no positions.
 */
export function positionIndex(positions: readonly number[], wanted: number | null): number {
  if (positions.length === 0) return -1;
  if (wanted === null) return positions.length - 1;
  let at = -1;
  for (let i = 0; i < positions.length; i++) if (positions[i]! <= wanted) at = i;
  return at < 0 ? 0 : at;
}

/** One run's cell at the slider's position. */
export interface GalleryCell {
  runId: number;
  /** The image shown: at the position, or the run's nearest earlier one; null when it has none yet. */
  image: ArtifactInfo | null;
  /** Whether the image is at the position itself (else it is an earlier one, labelled with its own). */
  exact: boolean;
}

/** Each run's cell at `position` (null: no position, every cell empty). `images` is each run's kindImages. */
export function galleryCells(runIds: readonly number[], images: readonly (readonly ArtifactInfo[])[], position: number | null, axis: GalleryAxis): GalleryCell[] {
  return runIds.map((runId, i) => {
    const image = position === null ? undefined : imageAtOrBefore(images[i] ?? [], position, axis);
    return { runId, image: image ?? null, exact: image !== undefined && positionOf(image, axis) === position };
  });
}

/** The galleries' URL state: the kind (`gallery`) and the slider's position (`galleryAt`), null when not chosen. */
export interface GalleryQueryState {
  kind: string | null;
  at: number | null;
}

/** The state a query holds; a missing or malformed entry is null. */
export function parseGalleryQuery(query: Readonly<Record<string, unknown>>): GalleryQueryState {
  const kind = query['gallery'];
  const at = query['galleryAt'];
  return {
    kind: typeof kind === 'string' && kind !== '' ? kind : null,
    at: typeof at === 'string' && /^\d+$/.test(at) && Number.isSafeInteger(Number(at)) ? Number(at) : null,
  };
}

/** The query entries for the state: undefined (left out of the URL) for what is not chosen. */
export function galleryQuery(s: GalleryQueryState): Record<'gallery' | 'galleryAt', string | undefined> {
  return { gallery: s.kind ?? undefined, galleryAt: s.at === null ? undefined : String(s.at) };
}
