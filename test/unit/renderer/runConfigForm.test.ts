import { describe, expect, it } from 'vitest';
import {
  buildRunConfig, defaultRunForm, familyLabel, fieldForIssuePath, fieldHint, fieldLabel, fieldOptions, fieldPlaceholder, fieldSpec, formWarnings, mapServerIssues,
  optionLabel, runFormFields, setFormField, switchFamily, validateRunForm, visibleFields, type RunFormField, type RunFormState,
} from '../../../renderer/lib/runConfigForm';
import { descriptorOf, families } from '../../../workers/common/families/registry';
import { sharedFields } from '../../../workers/common/families/runForm';

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
      hyper: { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate: 0.001, validationSplit: 0.1, seed: 42, parallelReplicas: 1 },
    });
    expect(fieldOptions('template', defaultRunForm())).toEqual(['mlp', 'lenet']);
  });

  it('omits empty optional sizes and the empty name', () => {
    const c = buildRunConfig({ ...defaultRunForm(), trainSize: ' ', name: '  ' });
    expect(c['dataset']).toEqual({ id: 'mnist' });
    expect(c).not.toHaveProperty('name');
  });

  it('maps server issues to fields', () => {
    const m = mapServerIssues([{ path: ['config', 'hyper', 'learningRate'], message: 'too big' }, { path: ['config', 'dataset', 'trainSize'], message: 'too many' }, { path: ['experimentId'], message: 'no such experiment' }]);
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
    expect(form).toMatchObject({ family: 'vae', latentDim: '16', decoder: 'bernoulli', binarize: 'stochastic', beta: '1', klWarmupEpochs: '0', iwaeSamples: '50', iwaeImages: '500' });
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
    const m = mapServerIssues([{ path: ['config', 'hyper', 'latentDim'], message: 'too big' }], visibleFields(pca));
    expect(m).toEqual({ errors: {}, general: ['config.hyper.latentDim: too big'] });
  });
});

describe('new-run form model: gan', () => {
  const gan = (over: Readonly<Record<string, string>> = {}): RunFormState => ({ ...defaultRunForm('gan'), ...over });
  const hyperOf = (form: RunFormState) => (buildRunConfig(form) as { hyper: Record<string, unknown> }).hyper;

  it('defaults to the schema: images, mlp, non-saturating, default noise size and D learning rate', () => {
    const form = gan();
    expect(form).toMatchObject({
      family: 'gan', ganData: 'dataset', template: 'mlp', ganLoss: 'nonsaturating', latentDim: '', learningRateD: '',
      learningRate: '0.0002', beta1: '0.5', dSteps: '1', labelSmoothing: '1', smoothNegatives: 'false', evalSamples: '1000',
      referenceTemplate: 'lenet', referenceEpochs: '2', toyStepsPerEpoch: '200',
    });
    // The autoencoder's reconstruction loss is not the GAN's loss.
    expect(form.loss).toBe('bce');
    const v = validateRunForm(form);
    expect(v.errors).toEqual({});
    expect(v.config).toMatchObject({ family: 'gan', architecture: { template: 'mlp' }, hyper: { loss: 'nonsaturating', learningRate: 0.0002 } });
    expect(v.config?.family === 'gan' && v.config.hyper).not.toHaveProperty('latentDim');
    expect(v.config?.family === 'gan' && v.config.hyper).not.toHaveProperty('learningRateD');
    expect(v.config?.family === 'gan' && v.config.hyper).not.toHaveProperty('toy');
  });

  it('shows the GAN fields, not the other families’ (and no validation split)', () => {
    const shown = visibleFields(gan());
    expect(shown).toEqual([
      'family', 'ganData', 'dataset', 'trainSize', 'testSize', 'template', 'ganLoss', 'latentDim', 'dSteps', 'unrollSteps', 'minibatchStddev', 'virtualBatchNorm',
      'conditioning', 'labelSmoothing', 'smoothNegatives',
      'epochs', 'batchSize', 'optimizer', 'learningRate', 'learningRateD', 'beta1', 'seed', 'sampleEverySteps',
      'evalSamples', 'validationSplit', 'referenceTemplate', 'referenceEpochs', 'confidenceThreshold', 'finalEvalSamples', 'name',
    ]);
    for (const f of ['loss', 'variant', 'decoder', 'clipValue', 'gpWeight', 'toyStepsPerEpoch', 'momentum', 'unrollGradient', 'auxWeight'] as RunFormField[]) expect(shown).not.toContain(f);
    expect(fieldOptions('ganLoss', gan())).toEqual(['minimax', 'nonsaturating', 'lsgan', 'wgan', 'wgan-gp']);
    expect(fieldOptions('ganData', gan())).toEqual(['dataset', 'ring8', 'grid25']);
    expect(fieldOptions('template', gan())).toEqual(['mlp', 'dcgan']);
    expect(optionLabel('ganData', 'ring8')).toBe('8 Gaussians on a ring (2-D toy)');
    expect(optionLabel('smoothNegatives', 'true')).toBe('yes');
    expect(optionLabel('template', 'dcgan')).toBe('dcgan');
  });

  it('shows the clip value only for wgan, the gradient penalty only for wgan-gp, smoothing not for the critics', () => {
    const wgan = visibleFields(gan({ ganLoss: 'wgan' }));
    expect(wgan).toContain('clipValue');
    expect(wgan).not.toContain('gpWeight');
    expect(wgan).not.toContain('labelSmoothing');
    expect(wgan).not.toContain('smoothNegatives');
    const gp = visibleFields(gan({ ganLoss: 'wgan-gp' }));
    expect(gp).toContain('gpWeight');
    expect(gp).not.toContain('clipValue');
    for (const loss of ['minimax', 'nonsaturating', 'lsgan']) {
      const shown = visibleFields(gan({ ganLoss: loss }));
      expect(shown).toEqual(expect.arrayContaining(['labelSmoothing', 'smoothNegatives']));
      expect(shown).not.toContain('clipValue');
      expect(shown).not.toContain('gpWeight');
    }
    expect(hyperOf(gan({ ganLoss: 'wgan-gp', gpWeight: '5' }))).toMatchObject({ loss: 'wgan-gp', gpWeight: 5 });
    expect(hyperOf(gan({ ganLoss: 'wgan-gp' }))).not.toHaveProperty('labelSmoothing');
    expect(validateRunForm(gan({ ganLoss: 'wgan', clipValue: '0' })).errors).toEqual({ clipValue: 'clipValue must be greater than 0' });
    expect(validateRunForm(gan({ ganLoss: 'wgan-gp', gpWeight: '-1' })).errors).toEqual({ gpWeight: 'gpWeight must be ≥ 0' });
  });

  it('shows β₁ only for Adam and momentum only for the momentum optimizer', () => {
    expect(visibleFields(gan({ optimizer: 'sgd' }))).not.toContain('beta1');
    expect(visibleFields(gan({ optimizer: 'momentum' }))).toEqual(expect.arrayContaining(['momentum']));
    expect(visibleFields(gan({ optimizer: 'momentum' }))).not.toContain('beta1');
    expect(validateRunForm(gan({ beta1: '1' })).errors).toEqual({ beta1: 'beta1 must be less than 1' });
  });

  it('sends the GAN loss as hyper.loss and smoothNegatives as a boolean, and validates with the schema’s messages', () => {
    const form = gan({ ganLoss: 'lsgan', dSteps: '2', labelSmoothing: '0.9', smoothNegatives: 'true', latentDim: '16', learningRateD: '0.0004' });
    expect(hyperOf(form)).toMatchObject({ loss: 'lsgan', dSteps: 2, labelSmoothing: 0.9, smoothNegatives: true, latentDim: 16, learningRateD: 0.0004 });
    expect(hyperOf(gan())).toMatchObject({ smoothNegatives: false });
    expect(validateRunForm(form).config).toMatchObject({ hyper: { loss: 'lsgan', smoothNegatives: true, latentDim: 16, learningRateD: 0.0004 } });
    const bad = validateRunForm(gan({ dSteps: '0', labelSmoothing: '1.5', learningRateD: '0', latentDim: 'x', evalSamples: '50', referenceEpochs: '0' }));
    expect(bad.config).toBeNull();
    expect(bad.errors).toEqual({
      dSteps: 'dSteps must be at least 1',
      labelSmoothing: 'labelSmoothing must be at most 1',
      learningRateD: 'learningRateD must be greater than 0',
      latentDim: 'latentDim must be a number',
      evalSamples: 'evalSamples must be 0 (off) or between 100 and 10000',
      referenceEpochs: 'referenceEpochs must be at least 1',
    });
    expect(bad.general).toEqual([]);
  });

  it('puts a GAN loss issue under the GAN loss field, an autoencoder’s under its own', () => {
    expect(fieldForIssuePath(['hyper', 'loss'], visibleFields(gan()))).toBe('ganLoss');
    expect(fieldForIssuePath(['hyper', 'loss'], visibleFields(defaultRunForm('autoencoder')))).toBe('loss');
    expect(fieldForIssuePath(['hyper', 'toy'], visibleFields(gan()))).toBe('ganData');
    expect(mapServerIssues([{ path: ['config', 'hyper', 'loss'], message: 'bad loss' }], visibleFields(gan())).errors).toEqual({ ganLoss: 'bad loss' });
    const v = validateRunForm(gan({ ganLoss: 'hinge' }));
    expect(Object.keys(v.errors)).toEqual(['ganLoss']);
  });

  it('trains on a 2-D toy with the toy template and without the dataset fields', () => {
    const toy = setFormField(gan({ trainSize: '512' }), 'ganData', 'ring8');
    expect(toy.template).toBe('toy-mlp');
    expect(fieldOptions('template', toy)).toEqual(['toy-mlp', 'mlp']);
    const shown = visibleFields(toy);
    expect(shown).toContain('toyStepsPerEpoch');
    for (const f of ['dataset', 'trainSize', 'testSize', 'evalSamples', 'referenceTemplate', 'referenceEpochs'] as RunFormField[]) expect(shown).not.toContain(f);
    const config = buildRunConfig(toy);
    expect(config).toMatchObject({ family: 'gan', dataset: { id: 'mnist' }, architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', toyStepsPerEpoch: 200 } });
    expect(config['dataset']).toEqual({ id: 'mnist' });
    expect(validateRunForm(toy).config).toMatchObject({ hyper: { toy: 'ring8' } });
    expect(fieldHint('latentDim', toy)).toBe('empty = 2');
    expect(fieldHint('latentDim', gan())).toBe('empty = 64');
    expect(fieldPlaceholder('latentDim', toy)).toBe('2');
    expect(validateRunForm({ ...toy, toyStepsPerEpoch: '0' }).errors).toEqual({ toyStepsPerEpoch: 'toyStepsPerEpoch must be at least 1' });
    // Another toy keeps the chosen template; back to images picks the image default.
    const grid = setFormField({ ...toy, template: 'mlp' }, 'ganData', 'grid25');
    expect(grid.template).toBe('mlp');
    const images = setFormField(toy, 'ganData', 'dataset');
    expect(images.template).toBe('mlp');
    expect(visibleFields(images)).toEqual(expect.arrayContaining(['dataset', 'trainSize', 'evalSamples']));
    expect(buildRunConfig(images)['dataset']).toEqual({ id: 'mnist', trainSize: 512 });
    expect(hyperOf(images)).not.toHaveProperty('toy');
    // dcgan needs images: going to a toy leaves it.
    expect(setFormField(gan({ template: 'dcgan' }), 'ganData', 'grid25').template).toBe('toy-mlp');
  });

  it('hides the reference classifier fields when scoring is off', () => {
    const off = gan({ evalSamples: '0' });
    expect(visibleFields(off)).toContain('evalSamples');
    expect(visibleFields(off)).not.toContain('referenceTemplate');
    expect(hyperOf(off)).toMatchObject({ evalSamples: 0 });
    expect(hyperOf(off)).not.toHaveProperty('referenceTemplate');
    expect(hyperOf(gan({ referenceTemplate: 'mlp', referenceEpochs: '1', evalSamples: '200' }))).toMatchObject({ referenceTemplate: 'mlp', referenceEpochs: 1, evalSamples: 200 });
    expect(fieldOptions('referenceTemplate', gan())).toEqual(['mlp', 'lenet']);
  });

  it('sends the stabilising tricks: unrolled D (its gradient only when unrolling), minibatch stddev, virtual batch norm', () => {
    expect(gan()).toMatchObject({ unrollSteps: '0', unrollGradient: 'second-order', minibatchStddev: 'false', virtualBatchNorm: 'false' });
    expect(hyperOf(gan())).toMatchObject({ unrollSteps: 0, minibatchStddev: false, virtualBatchNorm: false });
    expect(hyperOf(gan())).not.toHaveProperty('unrollGradient');
    const tricks = gan({ unrollSteps: '5', unrollGradient: 'first-order', minibatchStddev: 'true', virtualBatchNorm: 'true' });
    expect(visibleFields(tricks)).toContain('unrollGradient');
    expect(fieldOptions('unrollGradient', tricks)).toEqual(['second-order', 'first-order']);
    expect(validateRunForm(tricks).config).toMatchObject({ hyper: { unrollSteps: 5, unrollGradient: 'first-order', minibatchStddev: true, virtualBatchNorm: true } });
    expect(validateRunForm(gan({ unrollSteps: '21' })).errors.unrollSteps).toMatch(/^unrollSteps must be at most 20/);
    expect(validateRunForm(gan({ minibatchStddev: 'maybe' })).errors.minibatchStddev).toBe('minibatchStddev must be true or false');
  });

  it('sends the class conditioning; the class-loss weight only for AC-GAN; neither for a 2-D toy', () => {
    expect(gan()).toMatchObject({ conditioning: 'none', auxWeight: '1' });
    expect(hyperOf(gan())).toMatchObject({ conditioning: 'none' });
    expect(hyperOf(gan())).not.toHaveProperty('auxWeight');
    expect(fieldOptions('conditioning', gan())).toEqual(['none', 'cgan', 'acgan']);
    expect(optionLabel('conditioning', 'acgan')).toBe('AC-GAN (D predicts the class)');
    expect(fieldHint('conditioning', gan({ conditioning: 'cgan' }))).toBe('G and D get the label (Mirza & Osindero)');
    const cgan = gan({ conditioning: 'cgan' });
    expect(visibleFields(cgan)).toContain('conditioning');
    expect(visibleFields(cgan)).not.toContain('auxWeight');
    expect(validateRunForm(cgan).config).toMatchObject({ hyper: { conditioning: 'cgan', auxWeight: 1 } });
    const ac = gan({ conditioning: 'acgan', auxWeight: '0.5' });
    expect(visibleFields(ac)).toEqual(expect.arrayContaining(['conditioning', 'auxWeight']));
    expect(hyperOf(ac)).toMatchObject({ conditioning: 'acgan', auxWeight: 0.5 });
    expect(validateRunForm(gan({ conditioning: 'acgan', auxWeight: '-1' })).errors).toEqual({ auxWeight: 'auxWeight must be ≥ 0' });
    expect(validateRunForm(gan({ conditioning: 'acgan', auxWeight: 'x' })).errors).toEqual({ auxWeight: 'auxWeight must be a number' });
    // A toy has no labels: the field is hidden and not sent, so the run is unconditional.
    const toy = setFormField(ac, 'ganData', 'ring8');
    expect(visibleFields(toy)).not.toContain('conditioning');
    expect(visibleFields(toy)).not.toContain('auxWeight');
    expect(hyperOf(toy)).not.toHaveProperty('conditioning');
    expect(validateRunForm(toy).errors).toEqual({});
    // The server's refusal lands under the field.
    expect(mapServerIssues([{ path: ['config', 'hyper', 'conditioning'], message: 'no labels' }], visibleFields(cgan)).errors).toEqual({ conditioning: 'no labels' });
  });

  it('warns when the negative labels are smoothed', () => {
    expect(formWarnings(gan())).toEqual([]);
    const w = formWarnings(gan({ smoothNegatives: 'true', labelSmoothing: '0.9' }));
    expect(w).toHaveLength(1);
    expect(w[0]!.field).toBe('smoothNegatives');
    expect(w[0]!.text).toContain('where the data has no mass');
    expect(w[0]!.text).toContain('Fake target: 0.1');
    expect(formWarnings(gan({ smoothNegatives: 'true' }))[0]!.text).toContain('changes nothing');
    // Hidden (WGAN critics ignore smoothing): no warning.
    expect(formWarnings(gan({ smoothNegatives: 'true', ganLoss: 'wgan' }))).toEqual([]);
    // Smoothing negatives is valid, only risky.
    expect(validateRunForm(gan({ smoothNegatives: 'true', labelSmoothing: '0.9' })).errors).toEqual({});
  });

  it('takes the GAN’s learning rate when switching from another family at its default, keeps a typed one', () => {
    const fromClassifier = switchFamily(defaultRunForm(), 'gan');
    expect(fromClassifier).toMatchObject({ family: 'gan', learningRate: '0.0002', template: 'mlp', ganData: 'dataset', latentDim: '' });
    expect(validateRunForm(fromClassifier).errors).toEqual({});
    expect(switchFamily({ ...defaultRunForm(), learningRate: '0.01', trainSize: '512' }, 'gan')).toMatchObject({ learningRate: '0.01', trainSize: '512' });
    expect(switchFamily({ ...defaultRunForm('vae'), template: 'conv' }, 'gan').template).toBe('mlp');
    expect(setFormField(defaultRunForm(), 'family', 'gan').family).toBe('gan');
    expect(setFormField(defaultRunForm(), 'family', 'nope').family).toBe('classifier');
  });
});

describe('the form read off the family descriptors', () => {
  it('gives every field id one config path, in every family that has it', () => {
    const paths = new Map<string, string>();
    for (const f of families) {
      for (const field of [sharedFields.family, ...descriptorOf(f).form.fields, sharedFields.name]) {
        const p = field.path.join('.');
        expect(paths.get(field.id) ?? p, `${f}: ${field.id}`).toBe(p);
        paths.set(field.id, p);
      }
    }
    expect([...paths.keys()].sort()).toEqual([...runFormFields].sort());
    expect(paths.get('ganLoss')).toBe('hyper.loss');
    expect(paths.get('ganData')).toBe('hyper.toy');
  });

  it('starts every family at a valid config, heads it with the family and ends it with the name', () => {
    for (const f of families) {
      const form = defaultRunForm(f);
      const shown = visibleFields(form);
      expect(shown[0]).toBe('family');
      expect(shown.at(-1)).toBe('name');
      expect(validateRunForm(form).errors, f).toEqual({});
      expect(familyLabel(f)).toBe(descriptorOf(f).label);
    }
    expect(familyLabel('gan')).toBe('generative adversarial network (GAN)');
    expect(fieldOptions('family', defaultRunForm())).toEqual(families);
  });

  it('offers only choices the family’s schema accepts', () => {
    for (const f of families) {
      const form = defaultRunForm(f);
      for (const field of visibleFields(form)) {
        const spec = fieldSpec(field, form)!;
        if (spec.control !== 'select' || field === 'family' || field === 'dataset') continue;
        for (const option of fieldOptions(field, form)) {
          const v = validateRunForm(setFormField(form, field, option));
          expect(v.errors, `${f}.${field} = ${option}`).toEqual({});
        }
      }
    }
  });

  it('reads labels, hints and placeholders per family, falling back to the field’s own', () => {
    expect(fieldLabel('latentDim', defaultRunForm('gan'))).toBe('Noise size');
    expect(fieldLabel('latentDim', defaultRunForm('vae'))).toBe('Latent size');
    expect(fieldLabel('learningRate', defaultRunForm('gan'))).toBe('Learning rate (G)');
    expect(fieldLabel('learningRate', defaultRunForm())).toBe('Learning rate');
    expect(fieldHint('ganLoss', defaultRunForm('gan'))).toBe('G maximises log D(G(z))');
    expect(fieldHint('epochs', defaultRunForm('gan'))).toBe('passes of D over the images');
    expect(fieldHint('epochs', defaultRunForm())).toBeUndefined();
    expect(fieldPlaceholder('learningRateD', defaultRunForm('gan'))).toBe('0.0002 (as G)');
    expect(fieldPlaceholder('learningRateD', { ...defaultRunForm('gan'), learningRate: ' ' })).toBe('same as G');
    expect(fieldPlaceholder('latentDim', defaultRunForm('vae'))).toBeUndefined();
    // The GAN's 'dataset' option stands for the dataset itself: the form names it, nothing is sent.
    expect(fieldSpec('ganData', defaultRunForm('gan'))!.datasetOption).toBe('dataset');
  });
});
