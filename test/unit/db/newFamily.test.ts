/**
 * A family added to the registry needs no table rebuild: the store stores
 * whatever architecture family the registry lists (here a registry with an
 * extra 'rbm' family), and nothing else.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../db/openStore';
import { ArchitectureSaveError } from '../../../db/storeTypes';
import type { ArchitectureFamily } from '../../../workers/common/families/registry';
import { removeTempDirs, sampleModel, tempDir } from './helpers';

vi.mock('../../../workers/common/families/registry', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../workers/common/families/registry')>();
  return {
    ...actual,
    architectureFamilies: [...actual.architectureFamilies, 'rbm'],
    isArchitectureFamily: (v: unknown) => v === 'rbm' || actual.isArchitectureFamily(v),
  };
});

afterEach(removeTempDirs);

describe('a family the registry gains', () => {
  it('is stored, listed and kept to its name without a migration', () => {
    const store = openStore(path.join(tempDir(), 'rbm.db'));
    try {
      const rbm = 'rbm' as ArchitectureFamily;
      const v1 = store.saveArchitecture({ name: 'my-rbm', family: rbm, architecture: sampleModel('my-rbm') });
      expect(v1).toMatchObject({ family: 'rbm', version: 1 });
      expect(store.saveArchitecture({ name: 'my-rbm', family: rbm, architecture: sampleModel('my-rbm 2') }).version).toBe(2);
      expect(store.listArchitectures({ family: rbm }).map((a) => [a.name, a.version])).toEqual([['my-rbm', 2]]);
      expect(() => store.saveArchitecture({ name: 'my-rbm', family: 'vae', architecture: sampleModel('x') })).toThrow(/is a rbm architecture/);
      expect(() => store.saveArchitecture({ name: 'x', family: 'dbn' as ArchitectureFamily, architecture: sampleModel('x') }))
        .toThrow(new ArchitectureSaveError('unknown-family', `"dbn" is not a family with saved architectures: it must be one of 'classifier', 'autoencoder', 'vae', 'gan', 'sequence', 'rbm'`));
    } finally {
      store.close();
    }
  });
});
