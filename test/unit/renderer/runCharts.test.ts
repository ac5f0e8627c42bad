import { describe, expect, it } from 'vitest';
import { collapseStatus, epochCharts, hasStepLoss, isDetailMetric, klPerDimension, pretrainKeys, stepLossKeys } from '../../../renderer/lib/runCharts';

const keysOf = (charts: ReturnType<typeof epochCharts>) => charts.map((c) => [c.testId, c.keys.map((k) => k.key)]);

describe('run page charts per family', () => {
  it('keeps the classifier accuracy chart', () => {
    expect(keysOf(epochCharts('classifier', {}))).toEqual([['accuracy-chart', ['accuracy', 'val_accuracy', 'test_accuracy']]]);
    expect(epochCharts('classifier', {})[0]!.percent).toBe(true);
  });

  it('plots test MSE for autoencoders, with the noisy input for denoising', () => {
    expect(keysOf(epochCharts('autoencoder', { variant: 'plain' }))[0]).toEqual(['epoch-chart', ['test_mse']]);
    expect(keysOf(epochCharts('autoencoder', { variant: 'denoising' }))[0]).toEqual(['epoch-chart', ['test_mse', 'test_noisy_input_mse', 'test_mse_clean_input']]);
    expect(stepLossKeys('autoencoder', { variant: 'contractive' }).map((c) => c.key)).toEqual(['loss', 'contractive_penalty']);
    const stacked = epochCharts('autoencoder', { variant: 'stacked' }, ['loss', 'pretrain_loss/layer10', 'pretrain_loss/layer2']);
    expect(stacked.find((c) => c.testId === 'pretrain-chart')!.keys.map((k) => k.key)).toEqual(['pretrain_loss/layer2', 'pretrain_loss/layer10']);
    expect(pretrainKeys(['pretrain_loss/layerx'])).toEqual([]);
  });

  it('plots PCA errors without a per-step loss', () => {
    expect(keysOf(epochCharts('pca', {}))).toEqual([['epoch-chart', ['test_mse', 'train_mse']]]);
    expect(hasStepLoss('pca')).toBe(false);
    expect(hasStepLoss('vae')).toBe(true);
  });

  it('plots the ELBO and the VAE terms', () => {
    expect(keysOf(epochCharts('vae', {}))).toEqual([['epoch-chart', ['elbo']], ['vae-terms-chart', ['test_reconstruction', 'test_kl']]]);
    expect(stepLossKeys('vae').map((c) => c.key)).toEqual(['loss', 'reconstruction', 'kl']);
    expect(stepLossKeys('classifier').map((c) => c.key)).toEqual(['loss']);
  });
});

describe('VAE diagnostics', () => {
  it('reads KL per dimension in dimension order', () => {
    const latest: Record<string, number> = { 'kl_dim/10': 0.5, 'kl_dim/2': 1.5, 'kl_dim/0': 3, kl: 5 };
    expect(klPerDimension((k) => latest[k], Object.keys(latest))).toEqual([{ dim: 0, kl: 3 }, { dim: 2, kl: 1.5 }, { dim: 10, kl: 0.5 }]);
    expect(isDetailMetric('kl_dim/3')).toBe(true);
    expect(isDetailMetric('kl')).toBe(false);
  });

  it('flags posterior collapse with the contract’s threshold', () => {
    expect(collapseStatus(16, 3)).toEqual({ latentDim: 16, activeUnits: 3, threshold: 4, collapsed: true });
    expect(collapseStatus(16, 4)?.collapsed).toBe(false);
    expect(collapseStatus(2, 1)?.collapsed).toBe(false);
    expect(collapseStatus(2, 0)?.collapsed).toBe(true);
    expect(collapseStatus(undefined, 1)).toBeNull();
    expect(collapseStatus(16, undefined)).toBeNull();
  });
});
