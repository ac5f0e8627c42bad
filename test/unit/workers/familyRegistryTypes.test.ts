/** The family registry's derived types: each is checked by the compiler (tsc runs on tests) and its runtime list by vitest. */
import { describe, expect, it } from 'vitest';
import type { FamilySink } from '../../../workers/engine/sink';
import {
  architectureFamilies, artifactKinds, families, familyDescriptors, metricSpec,
  type ArchitectureFamily, type ArtifactKind, type Family, type FamilyMetricKey, type MetricKey,
} from '../../../workers/common/families/registry';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(_: T): void => undefined;

describe('the family registry', () => {
  it('derives the families, the ones with a network, metric keys and artifact kinds', () => {
    assertType<Equal<Family, 'classifier' | 'autoencoder' | 'vae' | 'gan' | 'pca' | 'rbm' | 'sequence' | 'pixelcnn'>>(true);
    assertType<Equal<ArchitectureFamily, 'classifier' | 'autoencoder' | 'vae' | 'gan' | 'sequence'>>(true);
    const kl: FamilyMetricKey<'vae'> = 'kl_dim/3';
    const pre: MetricKey = 'pretrain_loss/layer2';
    // @ts-expect-error a key no family records
    const typo: MetricKey = 'clases_present';
    // @ts-expect-error a GAN key is not a VAE key
    const wrong: FamilyMetricKey<'vae'> = 'd_loss';
    const kind: ArtifactKind = 'toy-scatter';
    void [kl, pre, typo, wrong, kind];
    expect(families).toEqual(['classifier', 'autoencoder', 'vae', 'gan', 'pca', 'rbm', 'sequence', 'pixelcnn']);
    expect(architectureFamilies).toEqual(['classifier', 'autoencoder', 'vae', 'gan', 'sequence']);
    expect(artifactKinds).toContain('class-histogram');
    for (const f of families) expect(familyDescriptors[f].id).toBe(f);
  });

  it('types each artifact kind\'s meta as its family declares it (checked by tsc on this file)', () => {
    const record = (s: FamilySink<'pca'>): void => {
      s.sample('latent-scatter', 1, 'scatter.json', { method: 'pca', latentDim: 2, count: 10 });
      s.sample('reconstructions', 1, 'grid.png', { rows: 2, cols: 10, cellHeight: 28, cellWidth: 28, channels: 1 });
      // @ts-expect-error a latent scatter's meta is not an image grid's
      s.sample('latent-scatter', 1, 'scatter.json', { rows: 1, cols: 1, cellHeight: 28, cellWidth: 28, channels: 1 });
      // @ts-expect-error a GAN's artifact kind is not PCA's
      s.sample('toy-scatter', 1, 'toy.json', { epoch: 1, toy: 'ring8', modesCovered: 1, modeDistance: 0.1 });
    };
    expect(typeof record).toBe('function');
  });

  it('finds the catalogue entry of an indexed key', () => {
    expect(metricSpec('vae', 'kl_dim/12')?.key).toBe('kl_dim/<i>');
    expect(metricSpec('autoencoder', 'pretrain_loss/layer3')?.key).toBe('pretrain_loss/layer<i>');
    expect(metricSpec('vae', 'kl_dim/x')).toBeUndefined();
    expect(metricSpec('classifier', 'elbo')).toBeUndefined();
  });
});
