/**
 * A classifier run page that explains the model, in Chromium against serve
 * (issue 15): a tiny LeNet run (MNIST, 500 training of which 50 validate,
 * 200 test images, 2 epochs of batch 50, Adam, seed 3) started through the
 * API shows the train / validation / test loss on one chart, the epoch its
 * test numbers were read at, the test set's confusion matrix (counts summing
 * to 200) and its most confident mistakes with their labels, and the feature
 * maps of a chosen test image; a run with SGD at learning rate 10 (seed 3,
 * MLP) finishes at chance and is flagged "done · diverged" on its page and in
 * the experiment's runs table. (At learning rate 50 the loss turns NaN and
 * the run fails outright, which the trainer already reports.)
 */
import { describe, expect, it } from 'vitest';
import type { Experiment, RunSummary } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

const lenet = { ...mlpConfig({ seed: 3, epochs: 2, batchSize: 50, validationSplit: 0.1 }, { trainSize: 500, testSize: 200 }), architecture: { template: 'lenet' as const }, name: 'lenet-page' };
const blownUp = { ...mlpConfig({ seed: 3, epochs: 1, batchSize: 50, optimizer: 'sgd', learningRate: 10 }, { trainSize: 500, testSize: 200 }), name: 'lr-10-sgd' };

describe('a classifier run page that explains the model', () => {
  it('shows the loss chart, the chosen epoch, the confusion matrix, the mistakes and the feature maps', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Explained' });
    const run = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config: lenet });
    await ui.waitForDone([run]);
    await ui.openRoute(`/#/runs/${run.id}`);

    await expect.poll(async () => Number(await page.getByTestId('epoch-loss-chart').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const best = page.getByTestId('classifier-best-epoch');
    await best.waitFor();
    expect(['1', '2']).toContain(await page.getByTestId('classifier-best-epoch-value').textContent());

    const table = page.getByTestId('classifier-confusion-table');
    await table.waitFor();
    expect(await table.getAttribute('data-total')).toBe('200');
    const counts = (await page.getByTestId('classifier-confusion-cell').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count')))));
    expect(counts).toHaveLength(100);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(await page.getByTestId('classifier-class-accuracy').count()).toBe(10);

    const mistakes = page.getByTestId('classifier-misclassified');
    await mistakes.waitFor();
    const errors = 200 - Number(await table.getAttribute('data-correct'));
    expect(Number(await mistakes.getAttribute('data-count'))).toBe(Math.min(36, errors));
    expect(await page.getByTestId('classifier-misclassified-cell').first().textContent()).toMatch(/^\s*\d → \d \(\d+ %\)\s*$/);

    await page.getByTestId('classifier-feature-maps-index').fill('7');
    await page.getByTestId('classifier-feature-maps-run').click();
    const result = page.getByTestId('classifier-feature-maps-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('classifier-feature-maps-layer').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-shape')))).toEqual(['28x28x6', '10x10x16']);
    expect(await page.getByTestId('classifier-diverged').count()).toBe(0);
    expect(await page.getByTestId('run-status').getAttribute('data-diverged')).toBeNull();
    await page.screenshot({ path: screenshotPath('screenshot-classifier-explained.png'), fullPage: true });
    expect(ui.problems).toEqual([]);
  });

  it('flags a run that ended at chance as diverged, on its page and in the runs table', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Too fast' });
    const run = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config: blownUp });
    await ui.waitForDone([run]);
    await ui.openRoute(`/#/runs/${run.id}`);
    const warning = page.getByTestId('classifier-diverged');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toMatch(/chance \(1\/10 = 10\.0 %\)/);

    await ui.openRoute(`/#/experiments/${experiment.id}`);
    const row = page.getByTestId('run-row').filter({ hasText: 'lr-10-sgd' });
    const badge = row.getByTestId('run-status');
    await expect.poll(async () => badge.textContent(), { timeout: 30_000 }).toBe('done · diverged');
    expect(await badge.getAttribute('data-diverged')).toBe('chance');
    expect(await badge.getAttribute('title')).toMatch(/test_accuracy .* within 5 points of chance/);
    await page.screenshot({ path: screenshotPath('screenshot-runs-diverged.png') });
    expect(ui.problems).toEqual([]);
  });
});
