/**
 * The restricted Boltzmann machine family, described once: a Bernoulli (or
 * Gaussian–Bernoulli) RBM trained by CD-k or persistent CD (its own update rule, no back-propagation),
 * with its reconstruction error, free energies, pseudo-likelihood and
 * log-likelihood (exact or AIS), and
 * galleries of its filters and Gibbs samples. No network to draw: the RBM is
 * its weight matrix (numHidden filters over the image).
 */
import { defineFamily, imageArtifact } from '../descriptor';
import { rbmCharts } from './charts';
import { rbmConfigSchema } from './config';
import { rbmForm } from './form';

export const rbmFamily = defineFamily({
  id: 'rbm',
  label: 'restricted Boltzmann machine (RBM)',
  title: 'Restricted Boltzmann machine',
  configSchema: rbmConfigSchema,
  network: null,
  recordName: (config) => `h${config.hyper.numHidden}-${config.hyper.persistent ? 'pcd' : 'cd'}${config.hyper.cdK}`,
  form: rbmForm,
  charts: rbmCharts,
  validation: { key: 'val_pseudo_log_likelihood', mode: 'max', selects: ['test_pseudo_log_likelihood', 'test_reconstruction_error', 'test_free_energy', 'free_energy_gap', 'test_log_likelihood'] },
  headline: [
    { key: 'test_pseudo_log_likelihood', mode: 'max', label: 'pseudo-LL', format: 'number', unit: 'nats' },
    { key: 'test_reconstruction_error', mode: 'min', label: 'test recon.', format: 'number' },
  ],
  metrics: [
    { key: 'reconstruction_error', x: 'step', mode: 'min', description: 'squared error per image of the batch through P(h | v) and back, summed over pixels (Gaussian visible units: in the standardised space)' },
    { key: 'epoch_reconstruction_error', x: 'epoch', mode: 'min', description: 'mean reconstruction error of the epoch’s batches' },
    { key: 'mean_hidden_activation', x: 'epoch', description: 'mean P(h = 1 | v) over hidden units and the epoch’s training batches: what a sparsity target pulls towards its value' },
    { key: 'val_reconstruction_error', x: 'epoch', mode: 'min', description: 'reconstruction error of the held-out validation images (never trained on)' },
    { key: 'val_pseudo_log_likelihood', x: 'epoch', mode: 'max', description: 'pseudo-log-likelihood of the validation images: the epoch a run is quoted at is chosen on it' },
    { key: 'test_reconstruction_error', x: 'epoch', mode: 'min', description: 'reconstruction error per test image' },
    { key: 'train_free_energy', x: 'epoch', description: 'mean free energy F(v) of training images (a fixed subset as large as the test set)' },
    { key: 'test_free_energy', x: 'epoch', description: 'mean free energy F(v) of the test images' },
    { key: 'free_energy_gap', x: 'epoch', mode: 'min', description: 'test − train mean free energy: growing means overfitting (Hinton 2010 §6)' },
    { key: 'test_pseudo_log_likelihood', x: 'epoch', mode: 'max', description: 'stochastic pseudo-log-likelihood per test image (nats), one fixed flipped bit per image' },
    { key: 'test_log_likelihood', x: 'epoch', mode: 'max', description: 'average log-likelihood per test image (nats), −mean F(v) − log Z: exact for ≤ 20 hidden units, else log Z by AIS (hyper.logLikelihood says when; the run log says which)' },
    { key: 'test_log_likelihood_se', x: 'epoch', description: 'standard error of the AIS test log-likelihood (nats): the delta-method error of log Ẑ over the AIS runs; not recorded when log Z is exact' },
    { key: 'log_partition_function', x: 'epoch', description: 'log Z of the model (exact, or the AIS estimate)' },
  ],
  artifacts: [
    imageArtifact('filters', 'Filters'),
    imageArtifact('samples', 'Gibbs samples'),
  ],
  analyses: [],
});
