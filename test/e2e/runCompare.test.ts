/**
 * Finding and comparing runs in Chromium against serve: four tiny classifier
 * runs (MNIST, 200 training and 100 test images, one epoch; learning rates
 * 0.01, 0.003 and 0.001 with seeds 11, 12 and 13, and a repeat of the first
 * with seed 14) started through the API; then in the UI a filter on the
 * learning rate, a refused filter with its token underlined, a tag, and the
 * compare view of two runs — overlaid loss curves, smoothing, wall-time x
 * axis, the diff table — which a reload keeps; then all four: grouped by seed
 * (the repeat and its original as one line with a band), by learning rate,
 * a std band, log y, the CSV export, all kept by a reload.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Experiment, RunDetail, RunSummary } from '../../main/common/domain';
import { sweepConfig } from '../helpers/configs';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, learningRate: number, seed: number): Promise<RunSummary> {
  return ui.api<RunSummary>('runs.start', { experimentId, config: sweepConfig(name, learningRate, seed) });
}

describe('finding and comparing runs', () => {
  it('filters, tags, selects and compares runs, and the compare view survives a reload', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'LR sweep' });
    const fast = await startRun(experiment.id, 'lr-0.01', 0.01, 11);
    const mid = await startRun(experiment.id, 'lr-0.003', 0.003, 12);
    const slow = await startRun(experiment.id, 'lr-0.001', 0.001, 13);
    const repeat = await startRun(experiment.id, 'repeat-s14', 0.01, 14);
    await ui.waitForDone([fast, mid, slow, repeat]);

    // The printed URL carries the access token; the app keeps it for the pages after.
    await page.goto(ui.serve.url);
    await page.getByTestId('experiment-link').filter({ hasText: 'LR sweep' }).click();
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(4);

    // A filter on the learning rate keeps three runs; the fourth leaves the table.
    const filter = page.getByTestId('runs-filter');
    await filter.fill('params.learningRate >= 0.003');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.getByTestId('run-row').filter({ hasText: 'lr-0.001' }).count()).toBe(0);

    // A misspelt field: the server's message, the token underlined, the last good list kept.
    const bad = 'params.learningRate >= 0.003 and stauts = "done"';
    await filter.fill(bad);
    await filter.press('Enter');
    const error = page.getByTestId('runs-filter-error');
    await error.waitFor();
    expect(Number(await error.getAttribute('data-start'))).toBe(bad.indexOf('stauts'));
    expect(Number(await error.getAttribute('data-end'))).toBe(bad.indexOf('stauts') + 'stauts'.length);
    expect(await page.getByTestId('runs-filter-bad').textContent()).toBe('stauts');
    expect(await error.textContent()).toContain('stauts');
    expect(await rows.count()).toBe(3);
    await filter.fill('params.learningRate >= 0.003 and status = "done"');
    await filter.press('Enter');
    await expect.poll(() => error.count()).toBe(0);
    await expect.poll(() => rows.count()).toBe(3);

    // A tag, saved with Enter, shows as a chip.
    const fastRow = page.getByTestId('run-row').filter({ hasText: 'lr-0.01' });
    await fastRow.getByTestId('run-tags-edit').click();
    await fastRow.getByTestId('run-tags-input').fill('baseline, sweep');
    await fastRow.getByTestId('run-tags-input').press('Enter');
    await expect.poll(async () => fastRow.getByTestId('run-tag').allTextContents()).toEqual(['baseline', 'sweep']);
    expect((await ui.api<RunDetail>('runs.get', { id: fast.id })).tags).toEqual(['baseline', 'sweep']);

    // Select the two runs and compare them.
    const compareButton = page.getByTestId('compare-button');
    expect(await compareButton.isDisabled()).toBe(true);
    await fastRow.getByTestId('run-select').check();
    await page.getByTestId('run-row').filter({ hasText: 'lr-0.003' }).getByTestId('run-select').check();
    await expect.poll(async () => compareButton.textContent()).toContain('Compare (2)');
    await compareButton.click();
    await expect.poll(() => page.url()).toContain('/compare?runs=');

    const legend = page.getByTestId('compare-legend-run');
    await expect.poll(() => legend.count()).toBe(2);
    const legendIds = async () => (await legend.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).map(Number).sort();
    expect(await legendIds()).toEqual([fast.id, mid.id].sort());

    // The per-step loss is pre-selected: one chart, both runs' lines, every step of each (6 batches of 32 in 180 images).
    const loss = page.locator('[data-testid="compare-chart"][data-metric="loss"]');
    await expect.poll(async () => loss.getAttribute('data-series')).toBe('2');
    await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBe(12);

    await page.getByTestId('compare-smoothing').fill('0.6');
    await expect.poll(async () => loss.getAttribute('data-smoothing')).toBe('0.6');
    const diff = page.getByTestId('compare-diff');
    await expect.poll(async () => diff.getAttribute('data-keys')).toBe('learningRate,seed');
    // Two runs that differ in more than the seed: no grouping.
    expect(await page.getByTestId('compare-group').inputValue()).toBe('none');
    expect(await loss.getAttribute('data-groups')).toBe('0');

    await page.getByTestId('compare-x').selectOption('wall');
    await expect.poll(async () => loss.getAttribute('data-x')).toBe('wall');
    expect(await loss.getAttribute('data-series')).toBe('2');
    await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBe(12);

    // Showing every hyperparameter adds the shared ones; the differing keys stay.
    await page.getByTestId('compare-diff-all').check();
    await expect.poll(async () => (await diff.getAttribute('data-keys'))?.split(',')).toEqual(expect.arrayContaining(['learningRate', 'seed', 'epochs', 'batchSize']));
    await page.getByTestId('compare-diff-all').uncheck();

    // The first run is the reference: the other's differing cells are marked; pinning the other swaps them.
    const cellsOf = async (key: string): Promise<string[]> => page.locator(`[data-testid="compare-diff-row"][data-key="${key}"] td.num`)
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-changed') ?? ''));
    expect(await cellsOf('learningRate')).toEqual(['false', 'true']);
    await page.getByTestId('compare-diff-pin').click();
    await expect.poll(() => cellsOf('learningRate')).toEqual(['true', 'false']);
    expect(await cellsOf('seed')).toEqual(['true', 'false']);
    expect(page.url()).toContain('ref=');

    /** All four runs: grouped by seed, then by learning rate, a std band, log y, the CSV, and a reload. */
    async function compareAllFour(): Promise<void> {
      await page.locator('.breadcrumb a', { hasText: `experiment ${experiment.id}` }).click();
      await filter.fill('');
      await filter.press('Enter');
      await expect.poll(() => rows.count()).toBe(4);
      await page.getByTestId('run-select-all').check();
      await expect.poll(async () => compareButton.textContent()).toContain('Compare (4)');
      await compareButton.click();
      await expect.poll(() => legend.count()).toBe(4);

      // The repeat differs from lr-0.01 only in its seed: grouped by seed from the start, one band.
      const group = page.getByTestId('compare-group');
      await expect.poll(() => group.inputValue()).toBe('seed');
      await expect.poll(async () => loss.getAttribute('data-groups')).toBe('3');
      expect(await loss.getAttribute('data-bands')).toBe('1');
      const pair = await page.getByTestId('compare-group-legend').locator('[data-testid="compare-group-item"][data-n="2"]').getAttribute('data-run-ids');
      expect(pair?.split(',').map(Number).sort((a, b) => a - b)).toEqual([fast.id, repeat.id].sort((a, b) => a - b));
      expect(await page.getByTestId('compare-group-legend').textContent()).toContain('n = 2');

      // By learning rate: the same three groups, labelled by the value; then a std band and a log y axis.
      await group.selectOption('param:learningRate');
      await expect.poll(async () => page.getByTestId('compare-group-legend').textContent()).toContain('learningRate = 0.01');
      expect(await loss.getAttribute('data-bands')).toBe('1');
      await page.getByTestId('compare-band').selectOption('std');
      await page.getByTestId('compare-logy').check();
      await expect.poll(async () => loss.getAttribute('data-logy')).toBe('true');
      expect(await loss.getAttribute('data-groups')).toBe('3');
      expect(await loss.getAttribute('data-bands')).toBe('1');
      await page.screenshot({ path: screenshotPath('screenshot-compare.png'), fullPage: true });

      // The CSV: a header with the learning rate column, one row per run with its value and loss summary.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compare-export-csv').click()]);
      const csvPath = await download.path();
      const lines = (await readFile(csvPath, 'utf8')).split('\r\n').filter((l) => l !== '');
      expect(lines).toHaveLength(5);
      const header = lines[0]!.split(',');
      const lrColumn = header.indexOf('params.learningRate');
      expect(lrColumn).toBeGreaterThan(0);
      expect(header).toContain('metrics.loss.last');
      const byId = new Map(lines.slice(1).map((l) => l.split(',')).map((cells) => [Number(cells[0]), cells]));
      expect([...byId.keys()].sort((a, b) => a - b)).toEqual([fast.id, mid.id, slow.id, repeat.id].sort((a, b) => a - b));
      expect(byId.get(slow.id)![lrColumn]).toBe('0.001');
      expect(Number(byId.get(fast.id)![header.indexOf('metrics.loss.last')])).toBeGreaterThan(0);

      // A reload keeps the grouping, the band and the log axis.
      await page.reload();
      await expect.poll(() => legend.count()).toBe(4);
      await expect.poll(async () => loss.getAttribute('data-groups')).toBe('3');
      expect(await group.inputValue()).toBe('param:learningRate');
      expect(await page.getByTestId('compare-band').inputValue()).toBe('std');
      expect(await page.getByTestId('compare-logy').isChecked()).toBe(true);
      expect(await loss.getAttribute('data-logy')).toBe('true');
      expect(await loss.getAttribute('data-bands')).toBe('1');
    }

    // The URL holds the selection and the view: a reload shows the same.
    await page.reload();
    await expect.poll(() => legend.count()).toBe(2);
    expect(await legendIds()).toEqual([fast.id, mid.id].sort());
    await expect.poll(async () => loss.getAttribute('data-series')).toBe('2');
    expect(await loss.getAttribute('data-x')).toBe('wall');
    expect(await loss.getAttribute('data-smoothing')).toBe('0.6');
    expect(await page.getByTestId('compare-smoothing').inputValue()).toBe('0.6');
    await expect.poll(async () => diff.getAttribute('data-keys')).toBe('learningRate,seed');
    // The refused filter's answer is the one 400 Chromium logs; nothing else went wrong.
    const refused = 'Failed to load resource: the server responded with a status of 400 (Bad Request)';

    await compareAllFour();

    expect(ui.problems.filter((p) => p === refused)).toHaveLength(1);
    expect(ui.problems.filter((p) => p !== refused)).toEqual([]);
  });
});
