/**
 * A GAN from the UI in Chromium against `serve` (real services, SQLite,
 * workers, the reference classifier): the family's fields in the new-run
 * form (the loss decides the clip value and the gradient penalty, a 2-D toy
 * picks the toy template and drops the dataset fields, smoothing the
 * negative labels warns, a bad noise size is refused inline, class
 * conditioning is offered for images only and the AC-GAN weight for AC-GAN
 * only), then a small class-conditional DCGAN (cgan) on 512 MNIST images
 * started from the form: D(x) and D(G(z)) reach their chart with the ½
 * equilibrium line, the samples grid's step slider grows while it trains,
 * the grid has one row per class labelled 0–9, and the reference
 * classifier's class histogram, coverage chart and conditional accuracy
 * appear — with no console errors or external requests.
 */
import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../main/common/domain';
import { uiSession } from '../helpers/uiSession';
import { screenshotPath } from '../helpers/screenshots';

const ui = uiSession();

async function points(testId: string): Promise<number> {
  return Number(await ui.page.getByTestId(testId).getAttribute('data-points'));
}

const count = (testId: string): Promise<number> => ui.page.getByTestId(testId).count();

const TRAIN = 512;
const BATCH = 64;
const EPOCHS = 3;
const STEPS = EPOCHS * Math.ceil(TRAIN / BATCH);

describe('GAN run from the UI', () => {
  it('sets up a DCGAN in the form, trains it, and charts D’s outputs, the samples and the classes', async () => {
    const t0 = Date.now();
    await ui.page.goto(ui.serve.url);
    await ui.page.getByTestId('new-experiment-name').fill('GAN MNIST');
    await ui.page.getByTestId('create-experiment').click();
    await ui.page.getByTestId('experiment-link').filter({ hasText: 'GAN MNIST' }).click();
    await ui.page.getByTestId('new-run-button').click();

    // ---- the form: the GAN's own fields ----
    await ui.page.getByTestId('field-family').selectOption('gan');
    await ui.page.getByTestId('field-ganLoss').waitFor();
    expect(await count('field-loss')).toBe(0);
    expect(await ui.page.getByTestId('field-learningRate').inputValue()).toBe('0.0002');
    expect(await count('field-clipValue')).toBe(0);
    await ui.page.getByTestId('field-ganLoss').selectOption('wgan');
    await ui.page.getByTestId('field-clipValue').waitFor();
    expect(await count('field-labelSmoothing')).toBe(0);
    await ui.page.getByTestId('field-ganLoss').selectOption('wgan-gp');
    await ui.page.getByTestId('field-gpWeight').waitFor();
    expect(await count('field-clipValue')).toBe(0);
    await ui.page.getByTestId('field-ganLoss').selectOption('nonsaturating');
    await ui.page.getByTestId('field-labelSmoothing').waitFor();

    // A 2-D toy replaces the dataset and picks the toy template.
    expect(await ui.page.getByTestId('field-ganData').locator('option').first().textContent()).toContain('(dataset)');
    await ui.page.getByTestId('field-ganData').selectOption('ring8');
    await expect.poll(async () => ui.page.getByTestId('field-template').inputValue()).toBe('toy-mlp');
    await ui.page.getByTestId('field-toyStepsPerEpoch').waitFor();
    expect(await count('field-trainSize')).toBe(0);
    expect(await count('field-evalSamples')).toBe(0);
    expect(await count('field-conditioning')).toBe(0); // a toy has no labels
    await ui.page.getByTestId('field-ganData').selectOption('dataset');
    await expect.poll(async () => ui.page.getByTestId('field-template').inputValue()).toBe('mlp');
    await ui.page.getByTestId('field-trainSize').waitFor();

    // Smoothing the fake labels is allowed, with a warning.
    await ui.page.getByTestId('field-labelSmoothing').fill('0.9');
    await ui.page.getByTestId('field-smoothNegatives').selectOption('true');
    await expect.poll(async () => ui.page.getByTestId('warning-smoothNegatives').textContent()).toContain('where the data has no mass');
    expect(await ui.page.getByTestId('start-run').isDisabled()).toBe(false);
    await ui.page.getByTestId('field-smoothNegatives').selectOption('false');
    await ui.page.getByTestId('field-labelSmoothing').fill('1');
    await expect.poll(() => count('warning-smoothNegatives')).toBe(0);

    // The schema's messages, inline; an empty noise size is the default.
    await ui.page.getByTestId('field-latentDim').fill('0');
    await expect.poll(async () => ui.page.getByTestId('error-latentDim').textContent()).toContain('at least 1');
    expect(await ui.page.getByTestId('start-run').isDisabled()).toBe(true);
    await ui.page.getByTestId('field-latentDim').fill('');
    await expect.poll(() => count('error-latentDim')).toBe(0);
    await ui.page.getByTestId('field-evalSamples').fill('0');
    await expect.poll(() => count('field-referenceTemplate')).toBe(0);
    await ui.page.getByTestId('field-evalSamples').fill('50');
    await expect.poll(async () => ui.page.getByTestId('error-evalSamples').textContent()).toContain('between 100 and 10000');

    // Class conditioning: the AC-GAN weight only for AC-GAN.
    expect(await count('field-auxWeight')).toBe(0);
    await ui.page.getByTestId('field-conditioning').selectOption('acgan');
    await ui.page.getByTestId('field-auxWeight').waitFor();
    await ui.page.getByTestId('field-conditioning').selectOption('cgan');
    await expect.poll(() => count('field-auxWeight')).toBe(0);

    // ---- a small class-conditional DCGAN: seconds of wasm, the fast reference classifier ----
    await ui.page.getByTestId('field-template').selectOption('dcgan');
    await ui.page.getByTestId('field-trainSize').fill(String(TRAIN));
    await ui.page.getByTestId('field-testSize').fill('200');
    await ui.page.getByTestId('field-epochs').fill(String(EPOCHS));
    await ui.page.getByTestId('field-batchSize').fill(String(BATCH));
    await ui.page.getByTestId('field-sampleEverySteps').fill('4');
    await ui.page.getByTestId('field-evalSamples').fill('100');
    // The final evaluation on 200 samples (its default is 10,000): seconds in a test.
    await ui.page.getByTestId('field-finalEvalSamples').fill('200');
    await ui.page.getByTestId('field-referenceTemplate').selectOption('mlp');
    await ui.page.getByTestId('field-referenceEpochs').fill('1');
    await ui.page.getByTestId('field-name').fill('cdcgan-e2e');
    await expect.poll(async () => ui.page.getByTestId('start-run').isDisabled()).toBe(false);
    await ui.page.getByTestId('start-run').click();

    // D(x) and D(G(z)), with the ½ line of the non-saturating loss.
    const dOutput = ui.page.getByTestId('gan-d-output-chart');
    await dOutput.waitFor();
    expect(await dOutput.getAttribute('data-ref-line')).toBe('0.5');
    expect(await count('loss-chart')).toBe(0);
    await expect.poll(() => points('gan-d-output-chart'), { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);

    // The samples grid arrives while the run trains, and its slider grows.
    const gallery = ui.page.getByTestId('gallery');
    const slider = gallery.getByTestId('gallery-slider');
    await gallery.getByTestId('gallery-kind-samples').waitFor({ timeout: 60_000 });
    await gallery.getByTestId('gallery-kind-samples').click();
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => ui.page.getByTestId('run-status').textContent(), { timeout: 240_000, interval: 500 }).toContain('done');
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    // The class-conditional grid: a row per class, named.
    const rowLabels = gallery.getByTestId('gallery-row-labels').locator('span');
    await expect.poll(() => rowLabels.count(), { timeout: 10_000 }).toBe(10);
    expect(await rowLabels.allTextContents()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    // Every step's D(x) and D(G(z)), both losses, both gradient norms.
    await expect.poll(() => points('gan-d-output-chart'), { timeout: 10_000 }).toBe(2 * STEPS);
    await expect.poll(() => points('gan-loss-chart'), { timeout: 10_000 }).toBe(2 * STEPS);
    await expect.poll(() => points('gan-grad-norm-chart'), { timeout: 10_000 }).toBe(2 * STEPS);

    // The reference classifier's verdict: coverage per logged step, and the class histogram.
    await expect.poll(() => points('gan-coverage-chart'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await ui.page.getByTestId('gan-coverage-chart').getAttribute('data-ref-line')).toBe('10');
    await expect.poll(() => points('gan-quality-chart'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => points('gan-fid-chart'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => points('gan-conditional-accuracy-chart'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await ui.page.getByTestId('gan-conditional-accuracy-chart').getAttribute('data-ref-line')).toBe('0.1');
    const histogram = ui.page.getByTestId('gan-class-histogram-panel');
    await expect.poll(() => points('gan-class-histogram'), { timeout: 10_000 }).toBe(10);
    expect(Number(await histogram.getAttribute('data-steps'))).toBeGreaterThanOrEqual(2);
    // The panel's count of classes present is the one the run recorded for the step it shows.
    const present = Number(await histogram.getByTestId('class-histogram-present').getAttribute('data-value'));
    const lastStep = Number(await histogram.getByTestId('class-histogram-step').getAttribute('data-step'));
    const runId = Number(/#\/runs\/(\d+)/.exec(ui.page.url())?.[1]);
    const [recorded] = await ui.api<MetricSeries[]>('runs.metrics', { id: runId, keys: ['classes_present'] });
    expect(present).toBe(recorded!.values[recorded!.steps.indexOf(lastStep)]);
    expect(await histogram.getByTestId('class-histogram-accuracy').textContent()).toMatch(/\d+(\.\d+)?\s?%/);
    // Back to the first logged step with the slider.
    await histogram.getByTestId('class-histogram-slider').fill('0');
    await expect.poll(async () => Number(await histogram.getByTestId('class-histogram-step').getAttribute('data-step')), { timeout: 10_000 }).toBeLessThan(lastStep);

    // The screenshot: the run page's GAN charts and the newest samples.
    await histogram.getByTestId('class-histogram-slider').fill('100');
    await ui.page.setViewportSize({ width: 1280, height: 2700 });
    await ui.page.evaluate(() => window.scrollTo(0, 0));
    await ui.page.screenshot({ path: screenshotPath('screenshot-gan.png') });
    expect(ui.problems).toEqual([]);
    console.log(`ganRun e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s from the first ui.page load`);
  }, 420_000);
});
