/**
 * Import progress and checksums through the real services (API dispatch,
 * SQLite, the event bus): Debian's Fashion-MNIST IDX files and a small image
 * folder report monotone progress that ends at the total; the recorded sha256
 * is the same for the same data imported into two workbenches and differs for
 * other data; a text corpus reports its bytes and its checksum too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import type { ImportProgress } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import { requireFashionMnist, writeFlatFolder } from '../helpers/datasetFixtures';
import { tempDir } from '../helpers/tempDir';

/** The four .gz files of Debian's dataset-fashion-mnist, in bytes (ls -l): 26,421,856 + 29,491 + 4,422,079 + 5,125. */
const FASHION_GZ_BYTES = 26_421_856 + 29_491 + 4_422_079 + 5_125;

const workbenches: AppServices[] = [];
const sources = tempDir('latent-progress-sources-');

function workbench(): { s: AppServices; events: ImportProgress[] } {
  const s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  workbenches.push(s);
  const events: ImportProgress[] = [];
  s.events.on('datasets.onDidImportProgress', (p) => events.push(p));
  return { s, events };
}

async function ok<M extends ApiMethod>(s: AppServices, method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await dispatch(s.handlers, method, req) as { ok: true; result: ApiResponse<M> } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
  return r.result;
}

/** Every event of one stage: done never falls, total never changes, the last is done = total. */
function expectMonotone(events: ImportProgress[], stage: ImportProgress['stage'], total: number, unit: ImportProgress['unit']): void {
  const of = events.filter((e) => e.stage === stage);
  expect(of.length).toBeGreaterThanOrEqual(2);
  expect(of[0]!.done).toBe(0);
  for (const [i, e] of of.entries()) {
    expect(e.total).toBe(total);
    expect(e.unit).toBe(unit);
    if (i > 0) expect(e.done).toBeGreaterThan(of[i - 1]!.done);
  }
  expect(of.at(-1)!.done).toBe(total);
}

let fashionHash = '';

beforeAll(() => { requireFashionMnist(); });
afterAll(async () => {
  await Promise.all(workbenches.map((s) => s.close()));
  fs.rmSync(sources, { recursive: true, force: true });
});

describe('dataset import progress and checksum', () => {
  it('reports the bytes of an IDX set read, rising to the files\' total, then the stages in order', async () => {
    const { s, events } = workbench();
    const info = await ok(s, 'datasets.import', { name: 'Fashion', kind: 'idx', path: '/usr/share/datasets/fashion-mnist' });
    expectMonotone(events, 'read', FASHION_GZ_BYTES, 'bytes');
    // At most one event per percent, plus the first: a few hundred 64 KiB chunks become ≤ 102 events.
    expect(events.filter((e) => e.stage === 'read').length).toBeLessThanOrEqual(102);
    const stages = events.map((e) => e.stage).filter((st, i, all) => st !== all[i - 1]);
    expect(stages).toEqual(['read', 'convert', 'checksum', 'done']);
    expect(events.every((e) => e.target === 'dataset' && e.name === 'Fashion')).toBe(true);
    expect(info.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(events.at(-1)!.detail).toBe(info.contentHash);
    fashionHash = info.contentHash!;
    expect((await ok(s, 'datasets.list', {})).find((d) => d.id === info.id)?.contentHash).toBe(fashionHash);
  });

  it('records the same checksum for the same data in another workbench, and another for other data', async () => {
    expect(fashionHash).not.toBe('');
    const { s, events } = workbench();
    const again = await ok(s, 'datasets.import', { name: 'Fashion again', kind: 'idx', path: '/usr/share/datasets/fashion-mnist' });
    expect(again.contentHash).toBe(fashionHash);

    const folder = path.join(sources, 'digits');
    writeFlatFolder(folder, 60);
    events.length = 0;
    const digits = await ok(s, 'datasets.import', { name: 'Digits', kind: 'image-folder', path: folder, testFraction: 0.2, seed: 1 });
    expectMonotone(events, 'read', 60, 'files');
    expect(digits.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digits.contentHash).not.toBe(fashionHash);
    // Same images, another split seed: other stored files, another checksum.
    const reseeded = await ok(s, 'datasets.import', { name: 'Digits seed 2', kind: 'image-folder', path: folder, testFraction: 0.2, seed: 2 });
    expect(reseeded.contentHash).not.toBe(digits.contentHash);
  });

  it('reports a corpus import\'s bytes and its checksum', async () => {
    const { s, events } = workbench();
    const file = path.join(sources, 'tiny.txt');
    fs.writeFileSync(file, 'In the beginning\nwas a small corpus.\n', 'utf8');
    const info = await ok(s, 'corpora.import', { name: 'Tiny', path: file });
    const corpusEvents = events.filter((e) => e.target === 'corpus');
    expect(corpusEvents.filter((e) => e.stage === 'read').map((e) => [e.done, e.total])).toEqual([[0, 37], [37, 37]]);
    expect(corpusEvents.at(-1)).toMatchObject({ stage: 'done', name: 'Tiny', detail: info.contentHash });
  });
});
