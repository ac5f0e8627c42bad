/**
 * Settings → wasm threads per run in Chromium against `serve`: next to the
 * backend with its hint; more than this machine's cores is refused in the
 * page before anything is saved; a valid count is saved by the real services
 * and read back after a reload. Two tiny wasm runs (MLP, 64 MNIST images,
 * one epoch, seed 7), one with the saved count and one with 1: the run page
 * and the comparison show the threads each used.
 */
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary } from '../../main/common/domain';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();
const cores = os.availableParallelism();

describe('the Settings page\'s wasm threads', () => {
  it('says what it does, refuses more than the cores, and keeps a saved count', async () => {
    const { page } = ui;
    await page.goto(ui.serve.url);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const field = page.getByTestId('settings-wasmThreads');
    await expect.poll(async () => field.inputValue()).toBe('1');
    expect(await page.getByTestId('hint-wasmThreads').textContent()).toContain('DCGAN step 383 → 255 ms with 2 threads');

    await field.fill(String(cores + 1));
    expect(await page.getByTestId('error-wasmThreads').textContent()).toBe(`at most ${cores} (this machine's cores)`);
    await field.fill('0');
    expect(await page.getByTestId('error-wasmThreads').textContent()).toBe('wasmThreads must be at least 1 (1 = single-threaded)');

    await field.fill(String(cores));
    await field.press('Enter');
    await page.getByTestId('settings-saved').waitFor();
    await page.reload();
    await expect.poll(async () => page.getByTestId('settings-wasmThreads').inputValue()).toBe(String(cores));
    expect(ui.problems).toEqual([]);
  });
});

describe.skipIf(cores < 2)('the threads a run used', () => {
  const config = {
    family: 'classifier', dataset: { id: 'mnist', trainSize: 64, testSize: 16 },
    hyper: { epochs: 1, batchSize: 32, validationSplit: 0, seed: 7 },
  };
  async function trainWith(experimentId: number, threads: number): Promise<number> {
    await ui.api('settings.update', { wasmThreads: threads });
    const run = await ui.api<RunSummary>('runs.start', { experimentId, config: { ...config, name: `threads-${threads}` } });
    await expect.poll(async () => (await ui.api<RunDetail>('runs.get', { id: run.id })).status, { timeout: 60_000 }).toBe('done');
    return run.id;
  }

  it('are shown on the run page and as a row of the comparison', async () => {
    const { page } = ui;
    const experiment = await ui.api<{ id: number }>('experiments.create', { name: 'Threads' });
    const two = await trainWith(experiment.id, 2);
    const one = await trainWith(experiment.id, 1);
    await page.goto(`${ui.serve.url}#/runs/${two}`);
    await expect.poll(async () => page.getByTestId('run-wasm-threads').textContent()).toBe('2');
    await page.goto(`${ui.serve.url}#/compare?runs=${two},${one}`);
    const row = page.getByTestId('compare-wasm-threads');
    await expect.poll(async () => row.locator('td').allTextContents()).toEqual(['wasm threads (used)', '2', '1']);
    expect(ui.problems).toEqual([]);
  });
});
