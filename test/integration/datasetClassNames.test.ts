/**
 * Naming an imported dataset's classes after import, over serve mode's HTTP
 * API on a real data folder: an IDX set of 60 + 20 MNIST digits (labels only
 * numbers) gets its ten names; the list and a fresh service on the same
 * folder show them; the content hash is unchanged; a wrong count, an empty
 * or repeated name, a built-in set and an unknown id are refused, saying why.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/httpApi';
import type { DatasetInfo } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { digitNames, writeIdxSet } from '../helpers/datasetFixtures';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'class-names-token-456';
const dataDir = tempDir();
let s: AppServices;
let server: RunningServer;

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
});
afterAll(async () => {
  await server.close();
  await s.close();
});

const { ok, refused } = httpApi(() => server.port, token);

describe('dataset class names after import', () => {
  it('names an IDX set\'s classes, keeps them across a restart, and refuses bad names', async () => {
    const source = path.join(tempDir(), 'idx');
    writeIdxSet(source, 60, 20);
    const imported = await ok<DatasetInfo>('datasets.import', { name: 'Digits IDX', kind: 'idx', path: source });
    expect(imported.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    const named = await ok<DatasetInfo>('datasets.renameClasses', { id: imported.id, classNames: digitNames.map((n) => ` ${n} `) });
    expect(named).toMatchObject({ id: imported.id, classNames: digitNames, numClasses: 10, contentHash: imported.contentHash });
    expect((await ok<DatasetInfo[]>('datasets.list', {})).find((d) => d.id === imported.id)?.classNames).toEqual(digitNames);

    expect((await refused('datasets.renameClasses', { id: imported.id, classNames: ['a', 'b'] })).error.message)
      .toBe(`Dataset "${imported.id}" has 10 classes: give 10 names, one per label in order (got 2)`);
    const twice = [...digitNames];
    twice[7] = 'one';
    expect((await refused('datasets.renameClasses', { id: imported.id, classNames: twice })).error.message)
      .toBe('Classes 1 and 7 are both named "one": each class needs its own name');
    const blank = [...digitNames];
    blank[3] = '   ';
    expect((await refused('datasets.renameClasses', { id: imported.id, classNames: blank })).error.message).toContain('a class name must not be empty');
    expect((await refused('datasets.renameClasses', { id: 'mnist', classNames: digitNames })).error.message).toContain('is built in: its class names cannot be changed');
    expect((await refused('datasets.renameClasses', { id: 'no-such-set', classNames: digitNames })).error).toMatchObject({ code: 'not-found' });

    // The names live in the data folder's database: a new service on it reads them.
    const again = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    try {
      expect(again.datasets.list().find((d) => d.id === imported.id)?.classNames).toEqual(digitNames);
    } finally {
      await again.close();
    }
  });
});
