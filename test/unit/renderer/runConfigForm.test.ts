import { describe, expect, it } from 'vitest';
import {
  buildRunConfig, defaultRunForm, fieldForIssuePath, fieldOptions, mapServerIssues, switchFamily, validateRunForm, visibleFields,
} from '../../../renderer/lib/runConfigForm';

describe('new-run form model: classifier', () => {
  it('starts from the schema defaults and is valid', () => {
    const form = defaultRunForm();
    expect(form).toMatchObject({ family: 'classifier', dataset: 'mnist', template: 'mlp', epochs: '2', batchSize: '64', optimizer: 'adam', learningRate: '0.001', seed: '42', trainSize: '' });
    const v = validateRunForm(form);
    expect(v.errors).toEqual({});
    expect(v.config?.family).toBe('classifier');
    expect(v.config?.family === 'classifier' && v.config.hyper.learningRate).toBe(0.001);
  });

  it('shows the schema message under the field', () => {
    const form = { ...defaultRunForm(), learningRate: '0', epochs: '', trainSize: '5' };
    const v = validateRunForm(form);
    expect(v.config).toBeNull();
    expect(v.errors.learningRate).toBe('learningRate must be greater than 0');
    expect(v.errors.epochs).toBe('epochs must be a number');
    expect(v.errors.trainSize).toBe('trainSize must be at least 10');
  });

  it('sends momentum only with the momentum optimizer', () => {
    const adam = buildRunConfig({ ...defaultRunForm(), momentum: '5' }) as { hyper: Record<string, unknown> };
    expect(adam.hyper).not.toHaveProperty('momentum');
    const v = validateRunForm({ ...defaultRunForm(), optimizer: 'momentum', momentum: '1' });
    expect(v.errors.momentum).toBe('momentum must be less than 1');
  });

  it('builds exactly the classifier config it always did (no fields of other families)', () => {
    expect(buildRunConfig({ ...defaultRunForm(), trainSize: '10000', name: 'mlp' })).toEqual({
      family: 'classifier',
      name: 'mlp',
      dataset: { id: 'mnist', trainSize: 10000 },
      architecture: { template: 'mlp' },
      hyper: { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate: 0.001, validationSplit: 0.1, seed: 42 },
    });
    expect(fieldOptions('template', defaultRunForm())).toEqual(['mlp', 'lenet']);
  });

  it('omits empty optional sizes and the empty name', () => {
    const c = buildRunConfig({ ...defaultRunForm(), trainSize: ' ', name: '  ' });
    expect(c['dataset']).toEqual({ id: 'mnist' });
    expect(c).not.toHaveProperty('name');
  });

  it('maps server issues to fields', () => {
    const m = mapServerIssues(['config.hyper.learningRate: too big', 'config.dataset.trainSize: too many', 'experimentId: no such experiment']);
    expect(m.errors).toEqual({ learningRate: 'too big', trainSize: 'too many' });
    expect(m.general).toEqual(['experimentId: no such experiment']);
  });
});

describe('new-run form model: autoencoder', () => {
  it('defaults to the schema and shows only the variant’s fields', () => {
    const form = defaultRunForm('autoencoder');
    expect(form).toMatchObject({ family: 'autoencoder', template: 'mlp', variant: 'plain', latentDim: '32', loss: 'bce', sampleEverySteps: '0' });
    expect(validateRunForm(form).errors).toEqual({});
    const plain = visibleFields(form);
    expect(plain).toEqual(expect.arrayContaining(['template', 'variant', 'latentDim', 'loss', 'sampleEverySteps', 'epochs']));
    for (const f of ['noise', 'noiseLevel', 'contractiveWeight', 'pretrainEpochs', 'decoder', 'beta', 'components'] as const) expect(plain).not.toContain(f);
    expect(visibleFields({ ...form, variant: 'denoising' })).toEqual(expect.arrayContaining(['noise', 'noiseLevel']));
    expect(visibleFields({ ...form, variant: 'contractive' })).toContain('contractiveWeight');
    expect(visibleFields({ ...form, variant: 'stacked' })).toContain('pretrainEpochs');
    expect(fieldOptions('template', form)).toEqual(['mlp', 'conv', 'deep']);
  });

  it('sends the denoising fields and validates them with the schema', () => {
    const form = { ...defaultRunForm('autoencoder'), variant: 'denoising', noise: 'gaussian', noiseLevel: '0.5', contractiveWeight: 'oops' };
    const c = buildRunConfig(form) as { hyper: Record<string, unknown>; architecture: unknown };
    expect(c.hyper).toMatchObject({ variant: 'denoising', noise: 'gaussian', noiseLevel: 0.5, latentDim: 32 });
    expect(c.hyper).not.toHaveProperty('contractiveWeight');
    expect(c.architecture).toEqual({ template: 'mlp' });
    expect(validateRunForm(form).config?.family).toBe('autoencoder');
    const bad = validateRunForm({ ...form, noiseLevel: '1.5', latentDim: '0' });
    expect(bad.errors).toEqual({ noiseLevel: 'noiseLevel must be between 0 and 1', latentDim: 'latentDim must be at least 1' });
  });
});

describe('new-run form model: vae', () => {
  it('defaults to the schema; decoderVariance only for the Gaussian decoder', () => {
    const form = defaultRunForm('vae');
    expect(form).toMatchObject({ family: 'vae', latentDim: '16', decoder: 'bernoulli', binarize: 'threshold', beta: '1', klWarmupEpochs: '0' });
    expect(validateRunForm(form).errors).toEqual({});
    expect(visibleFields(form)).not.toContain('decoderVariance');
    expect(visibleFields(form)).toContain('binarize');
    const gaussian = { ...form, decoder: 'gaussian' };
    expect(visibleFields(gaussian)).toContain('decoderVariance');
    expect(visibleFields(gaussian)).not.toContain('binarize');
    expect(fieldOptions('template', form)).toEqual(['mlp', 'conv']);
    expect(validateRunForm({ ...gaussian, decoderVariance: '0' }).errors.decoderVariance).toBe('decoderVariance must be greater than 0');
  });

  it('builds a VAE config the schema accepts', () => {
    const v = validateRunForm({ ...defaultRunForm('vae'), latentDim: '2', trainSize: '2000', testSize: '500', epochs: '3', sampleEverySteps: '10', beta: '-1' });
    expect(v.errors).toEqual({ beta: 'beta must be ≥ 0' });
    const ok = validateRunForm({ ...defaultRunForm('vae'), latentDim: '2', sampleEverySteps: '10' });
    expect(ok.config).toMatchObject({ family: 'vae', architecture: { template: 'mlp' }, hyper: { latentDim: 2, sampleEverySteps: 10 } });
  });
});

describe('new-run form model: pca', () => {
  it('has components and seed, no architecture and no training loop', () => {
    const form = defaultRunForm('pca');
    expect(visibleFields(form)).toEqual(['family', 'dataset', 'trainSize', 'testSize', 'components', 'seed', 'name']);
    const c = buildRunConfig(form);
    expect(c).toEqual({ family: 'pca', dataset: { id: 'mnist' }, hyper: { components: 30, seed: 42 } });
    expect(validateRunForm(form).config).toMatchObject({ family: 'pca', hyper: { components: 30 } });
    expect(validateRunForm({ ...form, components: '2.5' }).errors.components).toBe('components must be a whole number');
  });
});

describe('switching families', () => {
  it('keeps data, training and name; resets the model to the new family’s defaults', () => {
    const typed = { ...defaultRunForm('autoencoder'), trainSize: '2000', epochs: '3', batchSize: '32', name: 'x', latentDim: '8', template: 'deep' };
    const vae = switchFamily(typed, 'vae');
    expect(vae).toMatchObject({ family: 'vae', trainSize: '2000', epochs: '3', batchSize: '32', name: 'x', latentDim: '16', template: 'mlp' });
    const back = switchFamily({ ...vae, template: 'conv' }, 'autoencoder');
    expect(back).toMatchObject({ family: 'autoencoder', template: 'conv', latentDim: '32', variant: 'plain' });
    expect(validateRunForm(switchFamily(typed, 'pca')).errors).toEqual({});
  });

  it('routes issues only to fields the form shows', () => {
    const pca = defaultRunForm('pca');
    expect(fieldForIssuePath(['hyper', 'components'], visibleFields(pca))).toBe('components');
    expect(fieldForIssuePath(['hyper', 'epochs'], visibleFields(pca))).toBeNull();
    expect(fieldForIssuePath(['architecture', 'template'])).toBe('template');
    const m = mapServerIssues(['config.hyper.latentDim: too big'], visibleFields(pca));
    expect(m).toEqual({ errors: {}, general: ['config.hyper.latentDim: too big'] });
  });
});
