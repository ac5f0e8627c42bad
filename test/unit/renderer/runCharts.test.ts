import { describe, expect, it } from 'vitest';
import { descriptorOf, families, metricSpec, type Family } from '../../../workers/common/families/registry';
import { emptyChartContext, type ChartArtifact, type ChartContext, type EpochChartSpec } from '../../../workers/common/families/runCharts';
import { pretrainKeys } from '../../../workers/common/families/autoencoder/charts';
import { ganCharts as ganChartsOf, ganConditioningOf, ganNumClasses, toyModeCount } from '../../../workers/common/families/gan/charts';
import { collapseStatus, klPerDimension } from '../../../renderer/families/vae/diagnostics';
import { modeCollapseMessage, modeCollapseStatus } from '../../../renderer/families/gan/modeCollapse';

type Params = ChartContext['params'];
const keysOf = (charts: EpochChartSpec[]) => charts.map((c) => [c.testId, c.keys.map((k) => k.key)]);
/** A family's charts for a run's params and what it has recorded. */
const chartsOf = (family: Family, params: Params = {}, metricKeys: readonly string[] = []): EpochChartSpec[] => descriptorOf(family).charts(emptyChartContext(params, { metricKeys }));
/** The charts after the per-step loss chart (the per-epoch ones). */
const epochCharts = (family: Family, params: Params = {}, metricKeys: readonly string[] = []): EpochChartSpec[] => chartsOf(family, params, metricKeys).filter((c) => c.testId !== 'loss-chart');
/** The per-step loss chart's series, or undefined when the family has none. */
const stepLossKeys = (family: Family, params: Params = {}): string[] | undefined => chartsOf(family, params).find((c) => c.testId === 'loss-chart')?.keys.map((k) => k.key);
const hasStepLoss = (family: Family): boolean => stepLossKeys(family) !== undefined;
const histogram = (numClasses: number, step = 0): ChartArtifact => ({ kind: 'class-histogram', step, meta: { epoch: 0, classesPresent: 3, numClasses } });
const ganCharts = (params: Params, metricKeys: readonly string[] = [], opts: { numClasses?: number; realInceptionScore?: number } = {}): EpochChartSpec[] => ganChartsOf(emptyChartContext(params, {
  metricKeys,
  latest: (key) => (key === 'real_inception_score' ? opts.realInceptionScore : undefined),
  artifacts: opts.numClasses === undefined ? [] : [histogram(opts.numClasses)],
}));
const isDetailMetric = (family: Family, key: string): boolean => metricSpec(family, key)?.detail === true;

describe('run page charts per family', () => {
  it('draws the classifier train / validation / test loss on one chart and the accuracies on another', () => {
    expect(keysOf(epochCharts('classifier', {}))).toEqual([
      ['epoch-loss-chart', ['epoch_loss', 'val_loss', 'test_loss']],
      ['accuracy-chart', ['accuracy', 'val_accuracy', 'test_accuracy']],
    ]);
    expect(epochCharts('classifier', {})[0]!.keys.map((c) => c.label)).toEqual(['train', 'validation', 'test']);
    expect(epochCharts('classifier', {}).map((c) => c.percent)).toEqual([false, true]);
  });

  it('plots test MSE for autoencoders, with the noisy input for denoising', () => {
    expect(keysOf(epochCharts('autoencoder', { variant: 'plain' }))[0]).toEqual(['epoch-chart', ['test_mse']]);
    expect(keysOf(epochCharts('autoencoder', { variant: 'denoising' }))[0]).toEqual(['epoch-chart', ['test_mse', 'test_noisy_input_mse', 'test_mse_clean_input']]);
    expect(stepLossKeys('autoencoder', { variant: 'contractive' })).toEqual(['loss', 'contractive_penalty']);
    expect(stepLossKeys('autoencoder', { variant: 'plain' })).toEqual(['loss']);
    const stacked = epochCharts('autoencoder', { variant: 'stacked' }, ['loss', 'pretrain_loss/layer10', 'pretrain_loss/layer2']);
    expect(stacked.find((c) => c.testId === 'pretrain-chart')!.keys.map((k) => k.key)).toEqual(['pretrain_loss/layer2', 'pretrain_loss/layer10']);
    expect(pretrainKeys(['pretrain_loss/layerx'])).toEqual([]);
  });

  it('plots PCA errors without a per-step loss', () => {
    expect(keysOf(epochCharts('pca', {}))).toEqual([['epoch-chart', ['test_mse', 'train_mse']]]);
    // A run that recorded its scree curve (older ones did not) gets its chart, with the share it keeps as the line.
    const scree = descriptorOf('pca').charts(emptyChartContext({ components: 30 }, { metricKeys: ['test_mse', 'scree_cumulative', 'scree_share'], latest: (k) => (k === 'explained_variance' ? 0.73 : undefined) }));
    expect(scree.map((c) => c.testId)).toEqual(['epoch-chart', 'pca-scree-chart']);
    expect(scree[1]).toMatchObject({ xName: 'components', percent: true, refLine: { y: 0.73, label: 'kept: 30 components' } });
    expect(hasStepLoss('pca')).toBe(false);
    expect(hasStepLoss('vae')).toBe(true);
  });

  it('plots the ELBO and the VAE terms', () => {
    expect(keysOf(epochCharts('vae', {}))).toEqual([['epoch-chart', ['elbo', 'test_iwae', 'test_iwae_elbo']], ['vae-terms-chart', ['test_reconstruction', 'test_kl']]]);
    expect(stepLossKeys('vae')).toEqual(['loss', 'reconstruction', 'kl']);
    expect(stepLossKeys('classifier')).toEqual(['loss']);
  });
});

describe('VAE diagnostics', () => {
  it('reads KL per dimension in dimension order', () => {
    const latest: Record<string, number> = { 'kl_dim/10': 0.5, 'kl_dim/2': 1.5, 'kl_dim/0': 3, kl: 5 };
    expect(klPerDimension((k) => latest[k], Object.keys(latest))).toEqual([{ dim: 0, kl: 3 }, { dim: 2, kl: 1.5 }, { dim: 10, kl: 0.5 }]);
    expect(isDetailMetric('vae', 'kl_dim/3')).toBe(true);
    expect(isDetailMetric('vae', 'kl')).toBe(false);
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

describe('GAN charts', () => {
  const byId = (charts: EpochChartSpec[]) => Object.fromEntries(charts.map((c) => [c.testId, c]));

  it('plots both losses, D’s outputs and the gradient norms per step, without the generic loss chart', () => {
    expect(hasStepLoss('gan')).toBe(false);
    const charts = ganCharts({ loss: 'nonsaturating' });
    expect(keysOf(charts)).toEqual([
      ['gan-loss-chart', ['d_loss', 'g_loss']],
      ['gan-d-output-chart', ['d_real', 'd_fake']],
      ['gan-grad-norm-chart', ['g_grad_norm', 'd_grad_norm']],
    ]);
    expect(charts.every((c) => c.xName === 'step')).toBe(true);
    expect(stepLossKeys('gan', { loss: 'wgan-gp' })).toBeUndefined();
    expect(byId(ganCharts({ loss: 'wgan-gp' }))['gan-loss-chart']!.keys.map((c) => c.key)).toEqual(['d_loss', 'g_loss', 'gradient_penalty']);
    // No params (an older run): the schema's default loss.
    expect(byId(ganCharts({}))['gan-d-output-chart']!.refLine).toEqual({ y: 0.5, label: '½ equilibrium' });
  });

  it('draws the ½ equilibrium only for the probability losses; raw scores are said to be raw', () => {
    for (const loss of ['minimax', 'nonsaturating']) {
      const c = byId(ganCharts({ loss }))['gan-d-output-chart']!;
      expect(c.refLine?.y).toBe(0.5);
      expect(c.yRange).toEqual([0, 1]);
      expect(c.title).toBe('Mean D(x) and D(G(z)) per step');
    }
    for (const loss of ['lsgan', 'wgan', 'wgan-gp']) {
      const c = byId(ganCharts({ loss }))['gan-d-output-chart']!;
      expect(c.refLine).toBeUndefined();
      expect(c.yRange).toBeUndefined();
      expect(c.title).toContain('raw scores');
      expect(c.caption).toContain('not');
      expect(c.keys.map((x) => x.key)).toEqual(['d_real', 'd_fake']);
    }
    expect(byId(ganCharts({ loss: 'wgan' }))['gan-loss-chart']!.keys[0]!.label).toBe('critic loss');
  });

  it('adds mode coverage, mode distance and near-mode points for the 2-D toys', () => {
    const charts = byId(ganCharts({ loss: 'nonsaturating', toy: 'grid25' }));
    expect(charts['gan-coverage-chart']!.keys.map((c) => c.key)).toEqual(['modes_covered']);
    expect(charts['gan-coverage-chart']!.refLine).toEqual({ y: 25, label: 'all 25' });
    expect(charts['gan-coverage-chart']!.yRange).toEqual([0, 25]);
    expect(charts['gan-coverage-chart']!.title).toBe('Modes covered (of 25)');
    expect(charts['gan-mode-distance-chart']!.keys.map((c) => c.key)).toEqual(['mode_distance']);
    expect(charts['gan-high-quality-chart']!.percent).toBe(true);
    expect(charts['gan-quality-chart']).toBeUndefined();
    expect(toyModeCount('ring8')).toBe(8);
    expect(toyModeCount(undefined)).toBeUndefined();
  });

  it('adds the reference classifier’s measures for images once they are logged', () => {
    expect(ganCharts({ loss: 'nonsaturating' }, ['d_loss', 'g_loss']).map((c) => c.testId)).not.toContain('gan-coverage-chart');
    const keys = ['d_loss', 'classes_present', 'inception_score', 'frechet_distance', 'class_kl', 'reference_accuracy'];
    const charts = ganCharts({ loss: 'nonsaturating' }, keys);
    expect(keysOf(charts).slice(3)).toEqual([
      ['gan-coverage-chart', ['classes_present']],
      ['gan-quality-chart', ['inception_score']],
      ['gan-fid-chart', ['frechet_distance']],
      ['gan-class-kl-chart', ['class_kl']],
    ]);
    expect(byId(charts)['gan-coverage-chart']!.refLine?.y).toBe(10);
    expect(byId(ganCharts({}, keys, { numClasses: 26 }))['gan-coverage-chart']!.refLine?.y).toBe(26);
    expect(byId(charts)['gan-quality-chart']!.refLine).toBeUndefined();
    expect(byId(ganCharts({}, keys, { realInceptionScore: 9.1234 }))['gan-quality-chart']!.refLine).toEqual({ y: 9.1234, label: 'real images 9.12' });
  });

  it('a run with the uncertainty keys: FD with its bootstrap band and the real floor, KID ± SE, precision / recall', () => {
    const keys = ['d_loss', 'frechet_distance', 'frechet_distance_lo', 'frechet_distance_hi', 'kid', 'kid_se', 'precision', 'recall', 'real_frechet_distance', 'real_kid'];
    const floors: Record<string, number> = { real_frechet_distance: 4.8471, real_kid: 0.1213 };
    const charts = byId(ganChartsOf(emptyChartContext({ loss: 'nonsaturating' }, { metricKeys: keys, latest: (key) => floors[key], artifacts: [] })));
    expect(charts['gan-fid-chart']!.keys.map((c) => c.key)).toEqual(['frechet_distance', 'frechet_distance_lo', 'frechet_distance_hi']);
    expect(charts['gan-fid-chart']!.refLine).toEqual({ y: 4.8471, label: 'real vs real 4.85' });
    expect(charts['gan-kid-chart']!.keys.map((c) => c.key)).toEqual(['kid', 'kid_se']);
    expect(charts['gan-kid-chart']!.refLine).toEqual({ y: 0.1213, label: 'real vs real 0.121' });
    expect(charts['gan-precision-recall-chart']!.keys.map((c) => c.key)).toEqual(['precision', 'recall']);
    // An older run without them: neither chart, and the FD chart alone.
    expect(byId(ganCharts({}, ['d_loss', 'frechet_distance']))['gan-fid-chart']!.keys.map((c) => c.key)).toEqual(['frechet_distance']);
    expect(ganCharts({}, ['d_loss', 'frechet_distance']).map((c) => c.testId)).not.toContain('gan-kid-chart');
  });

  it('adds the conditional accuracy for conditional runs, and the AC-GAN class accuracies', () => {
    const keys = ['d_loss', 'classes_present', 'conditional_accuracy', 'd_class_accuracy', 'g_class_accuracy'];
    // Unconditional: neither (even if a key happens to be there: conditional_accuracy needs a conditional run).
    expect(ganCharts({ loss: 'nonsaturating' }, ['d_loss', 'conditional_accuracy']).map((c) => c.testId)).not.toContain('gan-conditional-accuracy-chart');
    const cgan = byId(ganCharts({ conditioning: 'cgan' }, keys.slice(0, 3)));
    expect(cgan['gan-conditional-accuracy-chart']!.keys.map((c) => c.key)).toEqual(['conditional_accuracy']);
    expect(cgan['gan-conditional-accuracy-chart']!).toMatchObject({ percent: true, yRange: [0, 1], refLine: { y: 0.1, label: 'chance (1/10)' } });
    expect(cgan['gan-class-accuracy-chart']).toBeUndefined();
    // Before the first evaluation: no conditional-accuracy chart yet; the AC-GAN class chart from the start.
    expect(ganCharts({ conditioning: 'acgan' }, ['d_loss']).map((c) => c.testId)).toEqual(['gan-loss-chart', 'gan-d-output-chart', 'gan-grad-norm-chart', 'gan-class-accuracy-chart']);
    const ac = byId(ganCharts({ conditioning: 'acgan' }, keys, { numClasses: 26 }));
    expect(ac['gan-class-accuracy-chart']!.keys.map((c) => c.key)).toEqual(['d_class_accuracy', 'g_class_accuracy']);
    expect(ac['gan-class-accuracy-chart']!.refLine!.y).toBeCloseTo(1 / 26, 10);
    expect(ac['gan-conditional-accuracy-chart']!.refLine!.label).toBe('chance (1/26)');
    expect(ganConditioningOf({})).toBe('none');
    expect(ganConditioningOf({ conditioning: 'acgan' })).toBe('acgan');
  });
});

describe('mode collapse', () => {
  const h = (values: number[], steps = values.map((_, i) => i * 100)) => ({ steps, values });

  it('ignores the first evaluation (the untrained generator)', () => {
    expect(modeCollapseStatus(undefined, 10, 'classes')).toBeNull();
    expect(modeCollapseStatus(h([]), 10, 'classes')).toBeNull();
    expect(modeCollapseStatus(h([1]), undefined, 'classes')).toBeNull();
    const first = modeCollapseStatus(h([1]), 10, 'classes')!;
    expect(first.collapsed).toBe(false);
    expect(first.evaluations).toBe(0);
    // A noisy step-0 generator may hit many classes: a later lower value is not a drop from it.
    expect(modeCollapseStatus(h([10, 9]), 10, 'classes')!.collapsed).toBe(false);
  });

  it('warns when coverage drops by 2 or more from the best so far', () => {
    const s = modeCollapseStatus(h([0, 8, 8, 6]), 8, 'modes')!;
    expect(s).toMatchObject({ latest: 6, best: 8, bestStep: 100, latestStep: 300, dropped: true, low: true, collapsed: true, evaluations: 3 });
    expect(modeCollapseStatus(h([0, 8, 7]), 8, 'modes')!.collapsed).toBe(false);
    expect(modeCollapseStatus(h([0, 25, 23]), 25, 'modes')!).toMatchObject({ dropped: true, low: false, collapsed: true });
    // It recovers: no warning.
    expect(modeCollapseStatus(h([0, 8, 5, 8]), 8, 'modes')!.collapsed).toBe(false);
  });

  it('warns below 80 % of the classes or modes', () => {
    expect(modeCollapseStatus(h([2, 7]), 10, 'classes')!).toMatchObject({ low: true, dropped: false, collapsed: true });
    expect(modeCollapseStatus(h([2, 8]), 10, 'classes')!.collapsed).toBe(false);
    expect(modeCollapseStatus(h([0, 19]), 25, 'modes')!.collapsed).toBe(true);
    expect(modeCollapseStatus(h([0, 20]), 25, 'modes')!.collapsed).toBe(false);
    // Non-finite values are skipped.
    expect(modeCollapseStatus(h([0, 8, Number.NaN]), 8, 'modes')!.collapsed).toBe(false);
  });

  it('says what it means and what to try', () => {
    const dropped = modeCollapseMessage(modeCollapseStatus(h([0, 8, 5]), 8, 'modes')!);
    expect(dropped).toContain('now cover 5 of 8 modes, down from 8 at step 100');
    const low = modeCollapseMessage(modeCollapseStatus(h([0, 3]), 10, 'classes')!);
    expect(low).toContain('cover only 3 of 10 classes');
    for (const remedy of ['unrolled discriminator', 'minibatch-stddev', 'lower discriminator learning rate', 'WGAN-GP']) expect(low).toContain(remedy);
  });
});

describe('charts read off the family descriptors', () => {
  const everything = (family: Family): EpochChartSpec[] => [
    ...chartsOf(family, { variant: 'denoising' }, ['pretrain_loss/layer1']),
    ...chartsOf(family, { variant: 'contractive', loss: 'wgan-gp', conditioning: 'acgan' }, ['classes_present', 'inception_score', 'frechet_distance', 'class_kl', 'conditional_accuracy']),
    ...chartsOf(family, { toy: 'ring8' }),
  ];

  it('plots only keys of the family’s metric catalogue, in percent exactly when the catalogue says so', () => {
    for (const family of families) {
      for (const chart of everything(family)) {
        for (const { key } of chart.keys) {
          const spec = metricSpec(family, key);
          expect(spec, `${family} ${chart.testId}: ${key}`).toBeDefined();
          expect(spec!.format === 'percent', `${family} ${chart.testId}: ${key}`).toBe(chart.percent);
        }
      }
      const ids = chartsOf(family).map((c) => c.testId);
      expect(new Set(ids).size, family).toBe(ids.length);
    }
  });

  it('puts the per-step loss chart first where a family has one', () => {
    for (const family of ['classifier', 'autoencoder', 'vae', 'rbm'] as const) expect(chartsOf(family)[0]!.testId).toBe('loss-chart');
    expect(chartsOf('gan')[0]!.testId).toBe('gan-loss-chart');
  });

  it('reads a GAN’s 2-D toy from its config when its params lack it, and its classes from the newest class histogram', () => {
    const config = descriptorOf('gan').configSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'grid25' } });
    const toy = descriptorOf('gan').charts(emptyChartContext({}, { config }));
    expect(toy.find((c) => c.testId === 'gan-coverage-chart')!.refLine).toEqual({ y: 25, label: 'all 25' });
    expect(ganNumClasses([])).toBe(10);
    expect(ganNumClasses([histogram(26, 100), histogram(12, 50), { kind: 'samples', step: 200, meta: { numClasses: 3 } }])).toBe(26);
    expect(ganNumClasses([{ kind: 'class-histogram', step: 0, meta: { numClasses: 'many' } }])).toBe(10);
  });
});
