/**
 * The compare view's analytics in Chromium against serve: three tiny
 * classifier runs (MNIST, 200 training and 100 test images, two epochs of
 * six batches; learning rates 0.01, 0.003 and 0.001, seeds 11 to 13). The
 * parallel coordinates get a brush dragged along the learning-rate axis
 * (the legend dims the run outside it, a reload keeps it, "Compare only
 * these" narrows the URL's runs); the scatter's axes are picked; the loss
 * chart's slider is dragged and the charts re-query the window (all charts
 * share it, a reset clears it); the x axis switches to epochs.
 */
import { describe, expect, it } from 'vitest';
import type { CompareSeries, Experiment, RunSummary } from '../../main/common/domain';
import { sweepConfig } from '../helpers/configs';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, learningRate: number, seed: number): Promise<RunSummary> {
  return ui.api<RunSummary>('runs.start', { experimentId, config: sweepConfig(name, learningRate, seed, 2) });
}

/** A data attribute as a number. */
function numberAttr(value: string | null): number {
  return Number(value);
}

describe('compare view analytics', () => {
  it('brushes parallel coordinates, picks scatter axes, zooms with a re-query, and plots against epochs', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Analytics' });
    const fast = await startRun(experiment.id, 'lr-0.01', 0.01, 11);
    const mid = await startRun(experiment.id, 'lr-0.003', 0.003, 12);
    const slow = await startRun(experiment.id, 'lr-0.001', 0.001, 13);
    await ui.waitForDone([fast, mid, slow]);
    const ids = [fast.id, mid.id, slow.id];

    // The printed URL carries the access token; the app keeps it, so the hash route can change.
    await page.goto(ui.serve.url);
    await page.getByTestId('experiment-link').first().waitFor();
    await page.evaluate((runs) => { window.location.hash = `#/compare?runs=${runs}`; }, ids.join(','));
    const legend = page.getByTestId('compare-legend-run');
    await expect.poll(() => legend.count()).toBe(3);
    const loss = page.locator('[data-testid="compare-chart"][data-metric="loss"]');
    await expect.poll(async () => numberAttr(await loss.getAttribute('data-points'))).toBe(36);

    // Parallel coordinates: the differing hyperparameters, then the headline metric; no log axis for one decade.
    const parallel = page.getByTestId('compare-parallel');
    await expect.poll(() => parallel.getAttribute('data-axes')).toBe('params.learningRate,params.seed,metrics.test_accuracy.best');
    expect(await parallel.getAttribute('data-axis-kinds')).toBe('linear,linear,linear');

    // Brush the learning-rate axis (the first, at the plot's left inset) from just above 0.001 to past its top (0.01).
    const canvas = page.getByTestId('compare-parallel-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the parallel chart has no box');
    const inset = async (side: string): Promise<number> => numberAttr(await parallel.getAttribute(`data-inset-${side}`));
    const axisX = box.x + await inset('left');
    const top = box.y + await inset('top');
    const height = box.height - await inset('top') - await inset('bottom');
    await page.mouse.move(axisX, top + height * 0.9);
    await page.mouse.down();
    await page.mouse.move(axisX, top + height * 0.5, { steps: 5 });
    await page.mouse.move(axisX, top - 20, { steps: 5 });
    await page.mouse.up();
    const brushed = async (): Promise<number[]> => ((await parallel.getAttribute('data-brushed')) ?? '').split(',').filter(Boolean).map(Number).sort((a, b) => a - b);
    await expect.poll(brushed).toEqual([fast.id, mid.id].sort((a, b) => a - b));
    expect(await page.getByTestId('compare-brush-count').textContent()).toContain('2 of 3');
    const slowLegend = legend.filter({ hasText: 'lr-0.001' });
    expect(await slowLegend.getAttribute('data-brushed')).toBe('false');
    // The runs table (the legend) and the hyperparameters table are filtered to the brush.
    await expect.poll(() => slowLegend.isVisible()).toBe(false);
    expect(await legend.filter({ hasText: 'lr-0.003' }).getAttribute('data-brushed')).toBe('true');
    expect(await page.getByTestId('compare-legend-brushed').textContent()).toContain('2 of 3');
    expect(await page.locator('[data-testid="compare-diff"] th.run-head').allTextContents()).not.toContain('lr-0.001');
    expect(await page.locator('[data-testid="compare-diff"] th.run-head').count()).toBe(2);
    expect(page.url()).toContain('pbrush=');

    // The scatter: learning rate against the last loss, one point per run, log x.
    const scatter = page.getByTestId('compare-scatter');
    await page.getByTestId('compare-scatter-x').selectOption('params.learningRate');
    await page.getByTestId('compare-scatter-y').selectOption('metrics.loss.last');
    await expect.poll(() => scatter.getAttribute('data-y')).toBe('metrics.loss.last');
    expect(await scatter.getAttribute('data-x')).toBe('params.learningRate');
    expect(await scatter.getAttribute('data-points')).toBe('3');
    await page.getByTestId('compare-scatter-logx').check();
    await expect.poll(() => scatter.getAttribute('data-logx')).toBe('true');

    // A reload keeps the brush and the scatter's choices.
    await page.reload();
    await expect.poll(() => legend.count()).toBe(3);
    await expect.poll(brushed).toEqual([fast.id, mid.id].sort((a, b) => a - b));
    await expect.poll(() => scatter.getAttribute('data-y')).toBe('metrics.loss.last');
    expect(await scatter.getAttribute('data-logx')).toBe('true');

    // Epochs: the loss's 6 steps an epoch become fractions of epochs 1 and 2; the test accuracy sits at its epochs.
    await page.getByTestId('compare-x').selectOption('epoch');
    await expect.poll(() => loss.getAttribute('data-x')).toBe('epoch');
    await expect.poll(async () => numberAttr(await loss.getAttribute('data-points'))).toBe(36);
    const onEpochs = await ui.api<CompareSeries[]>('runs.compareSeries', { ids: [fast.id], keys: ['loss', 'test_accuracy'], x: 'epoch' });
    const rounded = (xs: number[] | undefined): number[] => (xs ?? []).map((v) => Number(v.toFixed(9)));
    expect(rounded(onEpochs.find((s) => s.key === 'loss')?.xs)).toEqual(rounded([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((step) => step / 6)));
    expect(onEpochs.find((s) => s.key === 'test_accuracy')?.xs).toEqual([1, 2]);

    // Zoom in on the loss chart: on the epoch axis every chart gets the window, which is re-queried in epochs.
    const charts = page.getByTestId('compare-chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(2);
    const lossCanvas = loss.locator('.compare-chart-canvas');
    await lossCanvas.scrollIntoViewIfNeeded();
    const lossBox = await lossCanvas.boundingBox();
    if (!lossBox) throw new Error('the loss chart has no box');
    // The wheel over the plot's right half zooms in around the cursor (the grid's insets are 56 and 16 px).
    await page.mouse.move(lossBox.x + 56 + (lossBox.width - 72) * 0.75, lossBox.y + 100);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
    await expect.poll(() => page.url()).toContain('zoom=');
    const chartsHolder = page.locator('.compare-charts');
    await expect.poll(async () => (await chartsHolder.getAttribute('data-zoom-loaded')) ?? '').not.toBe('');
    const [min, max] = ((await chartsHolder.getAttribute('data-zoom-loaded')) ?? '').split(',').map(Number) as [number, number];
    expect(min).toBeGreaterThan(0.5);
    expect(max).toBeGreaterThan(min);
    // The loss (per step) and the accuracies (per epoch) share the window, all in epochs.
    const windows = await charts.evaluateAll((els) => els.map((e) => e.getAttribute('data-zoom')));
    expect(new Set(windows)).toEqual(new Set([`${min},${max}`]));
    // The zoomed answer, as the view asked for it: the window's points at full resolution, one point beyond each edge.
    const zoomed = await ui.api<CompareSeries[]>('runs.compareSeries', { ids, keys: ['loss'], x: 'epoch', buckets: 16, range: { min, max } });
    expect(zoomed.map((s) => s.xs.length).every((n) => n > 0 && n < 12)).toBe(true);
    await page.getByTestId('compare-zoom-reset').click();
    await expect.poll(() => page.url()).not.toContain('zoom=');
    await expect.poll(async () => chartsHolder.getAttribute('data-zoom-loaded')).toBe('');

    // Clearing the brush un-dims every run; a new stroke brushes again.
    await page.getByTestId('compare-brush-clear').click();
    await expect.poll(brushed).toEqual([]);
    expect(await slowLegend.getAttribute('data-brushed')).toBe('');
    await canvas.scrollIntoViewIfNeeded();
    const again = await canvas.boundingBox();
    if (!again) throw new Error('the parallel chart has no box');
    await page.mouse.move(again.x + await inset('left'), again.y + await inset('top') + height * 0.9);
    await page.mouse.down();
    await page.mouse.move(again.x + await inset('left'), again.y + await inset('top') - 20, { steps: 8 });
    await page.mouse.up();
    await expect.poll(brushed).toEqual([fast.id, mid.id].sort((a, b) => a - b));

    // "Compare only these": the brushed runs become the URL's runs, the brush is spent.
    await page.getByTestId('compare-brush-only').click();
    await expect.poll(() => legend.count()).toBe(2);
    expect(page.url()).not.toContain('pbrush=');
    expect(await page.getByTestId('compare-brush-bar').count()).toBe(0);

    expect(ui.problems).toEqual([]);
  });
});
