/** The worker registry: one entry per family, typed by family, lending what the family's descriptor promises the analyses. */
import { describe, expect, it } from 'vitest';
import type { AnalysisKind } from '../../../workers/common/gallery';
import { descriptorOf, families } from '../../../workers/common/families/registry';
import { classifierWorker } from '../../../workers/families/classifier';
import type { FamilyWorker } from '../../../workers/families/familyRun';
import { familyTrainers, familyWorker } from '../../../workers/families/registry';

const latentAnalyses: readonly AnalysisKind[] = ['interpolation', 'arithmetic', 'latent-scatter', 'reconstruction', 'traversal'];

describe('the worker registry', () => {
  it('has exactly one entry per family, each typed by its family', () => {
    expect(Object.keys(familyTrainers).sort()).toEqual([...families].sort());
    // @ts-expect-error a classifier's worker does not take a VAE's config
    const wrong: FamilyWorker<'vae'> = classifierWorker;
    void wrong;
  });

  it('lends every analysis its family\'s descriptor lists what it needs, and no family more', () => {
    for (const f of families) {
      const { analyses } = descriptorOf(f);
      const lent = familyWorker(f).analysis;
      // From a checkpoint, or from the run folder for a family that keeps its model there (PCA).
      const fromFolder = descriptorOf(f).runFolderModel !== undefined;
      expect((fromFolder ? lent.runFolderLatentModel : lent.latentModel) !== undefined, `${f}: an encoder and decoder`).toBe(analyses.some((a) => latentAnalyses.includes(a)));
      expect(lent.runFolderLatentModel !== undefined, `${f}: a model in the run folder`).toBe(fromFolder);
      expect(lent.generateAlong !== undefined, `${f}: a generator`).toBe(analyses.includes('latent-interpolation'));
    }
  });
});
