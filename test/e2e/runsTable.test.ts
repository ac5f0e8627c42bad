/**
 * The runs table in Chromium against serve, on 300 classifier runs seeded
 * straight into the database before serve starts (bench/compareSeed: varied
 * learning rates, batch sizes, optimizers and tags, and loss / accuracy /
 * val_accuracy / test_accuracy points written through the store, so their
 * summaries are the real ones); no training. On the all-runs page: only a
 * window of rows is in the DOM, sorting by a hyperparameter and by a metric,
 * columns added from the chooser, quick search, a shift-click range and a
 * ctrl-click, grouping by the optimizer with the count and mean, a column
 * resized, and a reload that keeps it all.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { createRuns, ingestWithSummaries, type SeedPlan } from '../../bench/compareSeed';
import type { RunMetricSummaries, RunSummary } from '../../main/common/domain';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const RUNS = 300;
const plan: SeedPlan = { runs: RUNS, experiments: 1, points: RUNS * 40 };

const ui = uiSession({ LATENT_BACKEND: 'wasm' }, (dataDir) => {
  const file = path.join(dataDir, 'workbench.sqlite');
  ingestWithSummaries(file, plan, createRuns(file, plan), () => {});
});

/** A number as the table prints it (formatNumber: plain or exponential). */
const num = (text: string | null): number => Number((text ?? '').trim());

async function columnTexts(rows: Locator, column: string, n: number): Promise<string[]> {
  return rows.evaluateAll((els, [c, k]) => els.slice(0, Number(k)).map((e) => e.querySelector(`td[data-column="${String(c)}"]`)?.textContent?.trim() ?? ''), [column, n] as const);
}

describe('the runs table', () => {
  it('virtualises, sorts, chooses columns, searches, selects ranges, groups, and remembers its columns', async () => {
    const { page } = ui;
    const all = await ui.api<RunSummary[]>('runs.list', {});
    expect(all).toHaveLength(RUNS);

    await page.goto(ui.serve.url);
    await page.getByTestId('nav-runs').click();
    const rows = page.getByTestId('run-row');
    await expect.poll(() => page.getByTestId('runs-shown-count').textContent()).toBe(String(RUNS));
    await expect.poll(() => rows.count()).toBeGreaterThan(5);

    // Virtualised: a window of rows, not 300; scrolled to the end, the oldest run is rendered and the window stays small.
    expect(await rows.count()).toBeLessThan(60);
    const scroller = page.getByTestId('runs-scroll');
    await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const oldest = [...all].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)[0]!;
    await expect.poll(() => page.locator(`[data-testid="run-row"][data-run-id="${oldest.id}"]`).count()).toBe(1);
    expect(await rows.count()).toBeLessThan(60);
    await scroller.evaluate((el) => { el.scrollTop = 0; });

    // Sort by the learning rate: ascending, then descending.
    const lrSort = page.locator('[data-testid="runs-header"][data-column="params.learningRate"] [data-testid="runs-sort"]');
    await lrSort.click();
    const lrs = [...all].map((r) => Number(r.params['learningRate'])).sort((a, b) => a - b);
    await expect.poll(async () => (await columnTexts(rows, 'params.learningRate', 8)).map(num)).toEqual(lrs.slice(0, 8).map((v) => num(String(Number(v.toPrecision(4))))));
    await lrSort.click();
    await expect.poll(async () => (await columnTexts(rows, 'params.learningRate', 1)).map(num)[0]).toBe(lrs[lrs.length - 1]);
    expect(await page.locator('[data-testid="runs-header"][data-column="params.learningRate"]').getAttribute('aria-sort')).toBe('descending');

    // The chooser: a hyperparameter column and a metric column.
    await page.getByTestId('runs-columns-button').click();
    const chooser = page.getByTestId('runs-column-chooser');
    await page.getByTestId('runs-column-search').fill('optim');
    await chooser.locator('[data-testid="runs-column-option"][data-column="params.optimizer"] input').check();
    await page.getByTestId('runs-column-search').fill('val_acc');
    expect(await chooser.locator('[data-testid="runs-column-option"]').count()).toBe(4);
    await chooser.locator('[data-testid="runs-column-option"][data-column="metrics.val_accuracy.best"] input').check();
    await page.getByTestId('runs-columns-close').click();
    const metricHeader = page.locator('[data-testid="runs-header"][data-column="metrics.val_accuracy.best"]');
    await metricHeader.waitFor();

    // Sorted by the metric, best first; the values are runs.summaries' own.
    await metricHeader.getByTestId('runs-sort').click();
    await metricHeader.getByTestId('runs-sort').click();
    const summaries = await ui.api<RunMetricSummaries[]>('runs.summaries', { ids: all.map((r) => r.id), keys: ['val_accuracy'] });
    const bestOf = new Map(summaries.map((s) => [s.runId, s.metrics['val_accuracy']?.best ?? null]));
    const bests = [...bestOf.values()].filter((v): v is number => v !== null).sort((a, b) => b - a);
    await expect.poll(async () => num((await columnTexts(rows, 'metrics.val_accuracy.best', 1))[0] ?? '')).toBeCloseTo(bests[0]!, 3);
    const topMetric = (await columnTexts(rows, 'metrics.val_accuracy.best', 10)).map(num);
    expect(topMetric).toEqual([...topMetric].sort((a, b) => b - a));

    // Quick search: one run by its name; then every momentum run (its optimizer, also in its name).
    const search = page.getByTestId('runs-search');
    const target = all[17]!;
    await search.fill(target.name);
    await expect.poll(async () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).toEqual([String(target.id)]);
    await search.fill('MOMENTUM');
    const momentum = all.filter((r) => r.params['optimizer'] === 'momentum').length;
    await expect.poll(() => page.getByTestId('runs-shown-count').textContent()).toBe(`${momentum} of ${RUNS}`);
    await search.fill('');
    await expect.poll(() => page.getByTestId('runs-shown-count').textContent()).toBe(String(RUNS));

    // Shift-click selects a range in the order shown; ctrl-click takes one out.
    const boxes = page.getByTestId('run-select');
    await boxes.nth(0).click();
    await boxes.nth(4).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('compare-button').textContent()).toContain('Compare (5)');
    expect(await boxes.evaluateAll((els) => els.slice(0, 6).map((e) => e instanceof HTMLInputElement && e.checked))).toEqual([true, true, true, true, true, false]);
    await boxes.nth(2).click({ modifiers: ['Control'] });
    await expect.poll(() => page.getByTestId('compare-button').textContent()).toContain('Compare (4)');

    // Grouped by optimizer with the mean of val_accuracy (best): the first group is adam's.
    await page.getByTestId('runs-group-by').selectOption('params.optimizer');
    await page.getByTestId('runs-group-metric').selectOption('metrics.val_accuracy.best');
    const adam = all.filter((r) => r.params['optimizer'] === 'adam');
    const firstGroup = page.getByTestId('run-group-row').first();
    await expect.poll(() => firstGroup.getAttribute('data-count')).toBe(String(adam.length));
    expect(await firstGroup.getByTestId('run-group-value').textContent()).toBe('optimizer = adam');
    expect(await firstGroup.getByTestId('run-group-count').textContent()).toBe(`${adam.length} runs`);
    const adamBests = adam.map((r) => bestOf.get(r.id)).filter((v): v is number => typeof v === 'number');
    const mean = adamBests.reduce((s, v) => s + v, 0) / adamBests.length;
    const shown = /: (\S+) ± (\S+) \(n=(\d+)\)/.exec((await firstGroup.getByTestId('run-group-mean').textContent()) ?? '');
    expect(shown).not.toBeNull();
    expect(Number(shown![1])).toBeCloseTo(mean, 3);
    expect(Number(shown![3])).toBe(adamBests.length);
    await page.screenshot({ path: screenshotPath('runs-table-grouped.png') });

    // Widen the name column by dragging its header's edge.
    const nameHeader = page.locator('[data-testid="runs-header"][data-column="name"]');
    const before = (await nameHeader.boundingBox())!;
    const handle = (await nameHeader.getByTestId('runs-resize').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => (await nameHeader.boundingBox())!.width).toBeGreaterThan(before.width + 60);

    // A reload keeps the columns, their widths, the sort and the grouping.
    await page.reload();
    await metricHeader.waitFor();
    const headers = await page.getByTestId('runs-header').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
    expect(headers).toContain('params.optimizer');
    expect(headers).toContain('experiment');
    expect(headers.indexOf('metrics.val_accuracy.best')).toBe(headers.length - 1);
    expect(await metricHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await page.getByTestId('runs-group-by').inputValue()).toBe('params.optimizer');
    expect((await nameHeader.boundingBox())!.width).toBeGreaterThan(before.width + 60);
    expect(ui.problems).toEqual([]);
  });
});
