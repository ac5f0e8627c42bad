/** The variational autoencoder family, described once. */
import { fmt } from '../../partContracts';
import type { LatentScatterMeta } from '../../gallery';
import { dataArtifact, defineFamily, imageArtifact } from '../descriptor';
import { encoderDecoderNetwork } from '../encoderDecoder';
import { vaeConfigSchema, vaeEncoderOutputDim, vaeTemplateSchema, type VaeConfig, type VaeTemplate } from './config';
import { vaeTemplate } from './templates';
import { vaeCharts } from './charts';
import { vaeForm } from './form';

/** What the likelihood numbers are, per decoder; the run page says which one a run used. */
const LIKELIHOODS = 'Bernoulli decoder: Bernoulli on binarised pixels; Gaussian decoder: discretised Gaussian on 8-bit pixels (the continuous density before config version 2)';


export const vaeFamily = defineFamily({
  id: 'vae',
  label: 'variational autoencoder (VAE)',
  title: 'Variational autoencoder',
  configSchema: vaeConfigSchema,
  network: encoderDecoderNetwork<VaeConfig>({
    templates: vaeTemplateSchema.options,
    defaultLatentDim: 20,
    encoderOutputDim: vaeEncoderOutputDim,
    latentDimOf: (config) => config.hyper.latentDim,
    template: (name, c) => vaeTemplate(name as VaeTemplate, [...c.inputShape], c.latentDim),
    encoderLine: (c) => `maps one example ${fmt(c.inputShape)} to μ and log σ² [${vaeEncoderOutputDim(c.latentDim)}] (2 × latent ${c.latentDim})`,
    decoderLine: (c) => `maps z [${c.latentDim}] to an example ${fmt(c.inputShape)} (logits or means)`,
  }),
  form: vaeForm,
  charts: vaeCharts,
  validation: { key: 'val_loss', mode: 'min', selects: ['elbo', 'bits_per_dim', 'test_reconstruction', 'test_kl', 'active_units', 'test_iwae', 'test_iwae_elbo'] },
  headline: [
    { key: 'elbo', mode: 'max', label: 'ELBO', format: 'number', unit: 'nats' },
    { key: 'val_loss', mode: 'min', label: 'val loss', format: 'number' },
  ],
  metrics: [
    { key: 'loss', x: 'step', mode: 'min', description: 'reconstruction + β_t·KL of the batch (nats per image)' },
    { key: 'reconstruction', x: 'step', mode: 'min', description: 'negative log-likelihood of the batch (nats per image)' },
    { key: 'kl', x: 'step', description: 'KL(q(z|x) ‖ p(z)) of the batch (nats per image)' },
    { key: 'beta', x: 'step', description: 'β_t, the KL weight after warm-up' },
    { key: 'elbo', x: 'epoch', mode: 'max', description: `held-out evidence lower bound (nats per image, one z per image; ${LIKELIHOODS})` },
    { key: 'bits_per_dim', x: 'epoch', mode: 'min', description: `−ELBO / (D ln 2), D pixels per image (${LIKELIHOODS})` },
    { key: 'test_iwae', x: 'epoch', mode: 'max', description: `importance-weighted bound on log p(x), Burda et al. 2016 (nats per image; K = the run's iwaeSamples, on its first iwaeImages test images; ${LIKELIHOODS})` },
    { key: 'test_iwae_elbo', x: 'epoch', mode: 'max', description: 'ELBO of the IWAE images from the same K samples (nats per image); test_iwae minus it is how much the bound tightens' },
    { key: 'test_reconstruction', x: 'epoch', mode: 'min', description: 'held-out reconstruction term (nats per image)' },
    { key: 'test_kl', x: 'epoch', description: 'held-out KL term (nats per image)' },
    { key: 'kl_dim/<i>', x: 'epoch', description: 'held-out KL of latent dimension i', detail: true },
    { key: 'active_units', x: 'epoch', mode: 'max', description: 'latent units with Cov_x(E_q[z_i]) above the threshold' },
    { key: 'val_loss', x: 'epoch', mode: 'min', description: 'reconstruction + β_t·KL on the validation split' },
  ],
  artifacts: [
    imageArtifact('reconstructions', 'Reconstructions'),
    imageArtifact('samples', 'Samples'),
    imageArtifact('manifold', 'Manifold'),
    imageArtifact('interpolation', 'Interpolation'),
    imageArtifact('arithmetic', 'Latent arithmetic'),
    dataArtifact<LatentScatterMeta>()('latent-scatter', 'Latent scatter'),
  ],
  analyses: ['interpolation', 'arithmetic', 'latent-scatter', 'nearest-neighbours'],
});
