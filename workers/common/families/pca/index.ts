/**
 * The PCA baseline, described once: no network, no training loop. Its
 * components are a linear encoder and decoder, so the latent tools that
 * apply to a linear code are offered (reconstructions, interpolation, the
 * traversal along each component, the scatter); latent arithmetic is not
 * (in a linear code it is pixel arithmetic projected, nothing learnt).
 */
import type { LatentScatterMeta } from '../../gallery';
import { dataArtifact, defineFamily, imageArtifact } from '../descriptor';
import { pcaConfigSchema } from './config';
import { pcaCharts } from './charts';
import { pcaForm } from './form';

export const pcaFamily = defineFamily({
  id: 'pca',
  label: 'PCA baseline',
  title: 'PCA baseline',
  configSchema: pcaConfigSchema,
  network: null,
  recordName: (config) => `pca-${config.hyper.components}`,
  form: pcaForm,
  charts: pcaCharts,
  headline: [{ key: 'test_mse', mode: 'min', label: 'test MSE', format: 'number' }],
  metrics: [
    { key: 'test_mse', x: 'step', mode: 'min', description: 'squared error per test image with the kept components' },
    { key: 'train_mse', x: 'step', mode: 'min', description: 'squared error per training image' },
    { key: 'explained_variance', x: 'step', mode: 'max', format: 'percent', description: 'fraction of the training variance the components keep' },
    // The scree curve: its step is a number of components (1, 2, …), not a training step; drawn by its own chart.
    { key: 'scree_cumulative', x: 'step', mode: 'max', format: 'percent', detail: true, description: 'fraction of the training variance the first n components explain (n = the step)' },
    { key: 'scree_share', x: 'step', mode: 'max', format: 'percent', detail: true, description: 'fraction of the training variance component n explains (n = the step)' },
  ],
  artifacts: [
    imageArtifact('reconstructions', 'Reconstructions'),
    dataArtifact<LatentScatterMeta>()('latent-scatter', 'Latent scatter'),
    imageArtifact('reconstruction', 'Reconstructions of chosen images'),
    imageArtifact('interpolation', 'Interpolation'),
    imageArtifact('traversal', 'Component traversal'),
  ],
  analyses: ['reconstruction', 'interpolation', 'traversal', 'latent-scatter'],
  // The fit writes pca/components.json at its one step; there is no checkpoint.
  runFolderModel: { step: 1, what: 'the components the fit wrote' },
});
