/**
 * The run page and experiments loop in Chromium against serve, on a fresh
 * data folder: the experiments page starts with its first-steps panel (no
 * empty "Default"); a tiny classifier run (MNIST, 200 training and 100 test
 * images, one epoch, batch 32, seed 31, learning rate 0.002) started through
 * the API is run again with changes from its page (the form shows its
 * learning rate, it is changed to 0.004, and the new run records 0.004 with
 * every other setting the same); its loss chart switches to a log y axis and
 * its tooltip names the step and the metric; then the experiment is renamed,
 * described and deleted with its two runs after a confirmation that counts
 * them and their folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Experiment, RunDetail, RunSummary } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();
const tiny = mlpConfig({ seed: 31, epochs: 1, batchSize: 32, learningRate: 0.002 }, { trainSize: 200, testSize: 100 });

describe('the daily loop: first start, run again with changes, charts, experiments', () => {
  it('starts a fresh data folder with first steps, not an empty experiment', async () => {
    await ui.page.goto(ui.serve.url);
    const steps = ui.page.getByTestId('experiments-first-steps');
    await steps.waitFor();
    expect(await steps.textContent()).toContain('Create an experiment');
    expect(await ui.page.getByTestId('experiment-row').count()).toBe(0);
    expect(await ui.api<Experiment[]>('experiments.list', {})).toEqual([]);
  });

  it('runs again with a changed learning rate from a run page, and draws its loss on a log axis with a labelled tooltip', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'LR sweep' });
    const first = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config: { ...tiny, name: 'lr 0.002' } });
    await ui.waitForDone([first]);

    await ui.openRoute(`/#/runs/${first.id}`);
    // The breadcrumb names the experiment on a deep link.
    await expect.poll(async () => page.locator('.breadcrumb').textContent()).toContain('LR sweep');

    const loss = page.getByTestId('loss-chart');
    await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(0);
    await loss.getByTestId('chart-log-y').check();
    await expect.poll(async () => loss.getAttribute('data-logy')).toBe('true');
    const canvas = loss.locator('canvas').first();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the loss chart has no canvas');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await expect.poll(async () => loss.getByTestId('chart-tooltip').textContent()).toMatch(/^step \d+\nloss: \d/);
    await page.screenshot({ path: screenshotPath('screenshot-run-chart-log.png') });

    await page.getByTestId('rerun-with-changes').click();
    const lr = page.getByTestId('field-learningRate');
    await expect.poll(async () => lr.inputValue()).toBe('0.002');
    expect(await page.getByTestId('field-trainSize').inputValue()).toBe('200');
    expect(await page.getByTestId('field-name').inputValue()).toBe('');
    await lr.fill('0.004');
    await page.getByTestId('field-name').fill('lr 0.004');
    await page.getByTestId('start-run').click();
    await expect.poll(() => page.url()).not.toContain('/new');
    const secondId = Number(/\/runs\/(\d+)/.exec(page.url())?.[1]);
    expect(secondId).toBeGreaterThan(first.id);
    const second = await ui.api<RunDetail>('runs.get', { id: secondId });
    const original = await ui.api<RunDetail>('runs.get', { id: first.id });
    expect(second.experimentId).toBe(experiment.id);
    expect(second.config).toEqual({ ...original.config, name: 'lr 0.004', hyper: { ...original.config.hyper, learningRate: 0.004 } });
    await ui.waitForDone([second]);
  });

  it('renames, describes and deletes an experiment with its runs after a confirmation', async () => {
    const { page } = ui;
    const [experiment] = await ui.api<Experiment[]>('experiments.list', {});
    if (!experiment) throw new Error('the previous test made an experiment');
    await ui.openRoute(`/#/experiments/${experiment.id}`);
    await page.getByTestId('experiment-edit').click();
    await page.getByTestId('experiment-edit-name').fill('LR sweep (MLP)');
    await page.getByTestId('experiment-edit-description').fill('Adam, one epoch, 200 images');
    await page.getByTestId('experiment-edit-save').click();
    await expect.poll(async () => page.getByTestId('experiment-name').textContent()).toBe('LR sweep (MLP)');
    expect(await page.getByTestId('experiment-description').textContent()).toBe('Adam, one epoch, 200 images');

    const folders = (await ui.api<RunSummary[]>('runs.list', { experimentId: experiment.id })).map((r) => path.join(ui.dataDir, 'runs', String(r.id)));
    expect(folders).toHaveLength(2);
    await page.getByTestId('experiment-delete').click();
    const summary = page.getByTestId('experiment-delete-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('This deletes 2 runs (their metrics, logs, tags and notes) and 2 run folders');
    await page.getByTestId('experiment-delete-confirm-button').click();
    await expect.poll(() => page.url()).toMatch(/#\/$/);
    await page.getByTestId('experiments-first-steps').waitFor();
    expect(await ui.api<Experiment[]>('experiments.list', {})).toEqual([]);
    expect(folders.some((f) => fs.existsSync(f))).toBe(false);
    expect(ui.problems).toEqual([]);
  });
});
