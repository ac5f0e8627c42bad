/**
 * The PixelCNN family, described once (van den Oord et al. 2016): an
 * autoregressive image model whose masked convolutions give each pixel's
 * Bernoulli probability given the pixels before it in raster order, so a
 * held-out image's likelihood is exact. No network to draw: the network is
 * built from its settings (filters, residual blocks) by the worker.
 */
import { defineFamily } from '../descriptor';
import { pixelCnnCharts } from './charts';
import { pixelCnnConfigSchema } from './config';
import { pixelCnnForm } from './form';

export const pixelCnnFamily = defineFamily({
  id: 'pixelcnn',
  label: 'PixelCNN (autoregressive)',
  title: 'PixelCNN',
  configSchema: pixelCnnConfigSchema,
  network: null,
  recordName: (config) => `f${config.hyper.filters}-r${config.hyper.residualBlocks}`,
  form: pixelCnnForm,
  charts: pixelCnnCharts,
  validation: { key: 'val_nll_nats', mode: 'min', selects: ['test_nll_nats', 'test_bits_per_dim'] },
  headline: [
    { key: 'test_nll_nats', mode: 'min', label: 'test NLL', format: 'number', unit: 'nats' },
    { key: 'test_bits_per_dim', mode: 'min', label: 'bits/dim', format: 'number' },
  ],
  metrics: [
    { key: 'loss', x: 'step', mode: 'min', description: 'training negative log-likelihood of the batch, nats per image (−Σ log p(x_i | x_<i) over its binarised pixels)' },
    { key: 'epoch_nll_nats', x: 'epoch', mode: 'min', description: 'mean training NLL of the epoch’s batches, nats per image' },
    { key: 'val_nll_nats', x: 'epoch', mode: 'min', description: 'NLL of the held-out validation images (never trained on; one fixed binarisation), nats per image: the epoch a run is quoted at is chosen on it' },
    { key: 'test_nll_nats', x: 'epoch', mode: 'min', description: 'NLL of the test images (one fixed binarisation), nats per image; exact, not a bound' },
    { key: 'test_bits_per_dim', x: 'epoch', mode: 'min', description: 'test NLL in bits per pixel: nats / (pixels · ln 2)' },
  ],
  artifacts: [],
  analyses: [],
});
