/**
 * Issue 15 in Chromium: the UI (serve) is open on an experiment page when the
 * CLI, another process on serve's data folder, starts a run. Without a reload
 * the run appears in the table, its status moves on, its loss curve grows on
 * its page while it trains, and it ends as done. The run: an MLP on 5,000
 * MNIST images, 2 epochs, batch 16, seed 17 (wasm).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { repoRoot } from '../helpers/tempDir';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();
const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');

describe('a run started by the CLI while the UI is open', () => {
  it('appears in the table and updates live, without a reload, until done', async () => {
    const { page } = ui;
    await ui.api<Experiment>('experiments.create', { name: 'From the CLI' });
    await page.goto(ui.serve.url);
    await page.getByTestId('experiment-link').filter({ hasText: 'From the CLI' }).click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(0);
    // A reload would lose this mark.
    await page.evaluate(() => { Reflect.set(window, 'noReload', true); });

    const config = path.join(ui.dataDir, 'cli-run.json');
    fs.writeFileSync(config, JSON.stringify({ ...mlpConfig({ epochs: 2, batchSize: 16, seed: 17, validationSplit: 0 }, { trainSize: 5000, testSize: 500 }), name: 'from-the-cli' }));
    const child = spawn(process.execPath, [cli, 'train', '--config', config, '--experiment', 'From the CLI', '--data', ui.dataDir, '--json'], {
      env: { ...process.env, LATENT_BACKEND: 'wasm' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const row = page.getByTestId('run-row').filter({ hasText: 'from-the-cli' });
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('running');

    // Its page (an in-app navigation): the loss curve grows while the CLI trains.
    await row.getByTestId('run-link').click();
    const points = async (): Promise<number> => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
    await page.getByTestId('loss-chart').waitFor();
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(0);
    const early = await points();
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(early);
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toContain('done');

    // train writes its progress to stderr; shown only if it failed.
    expect(await exited, stderr).toBe(0);
    expect(await page.evaluate(() => Reflect.get(window, 'noReload'))).toBe(true);
    await page.goBack();
    await expect.poll(() => row.getAttribute('data-status')).toBe('done');
    expect(ui.problems).toEqual([]);
  }, 240_000);
});
