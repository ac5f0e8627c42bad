/**
 * Moving work between machines in Chromium against serve: two tiny classifier
 * runs (MNIST, 200 training and 100 test images, one epoch, seeds 31 and 32)
 * exported from their experiment's page as one .lwbundle; one run deleted;
 * the bundle imported on the Experiments page brings that run back (with its
 * checkpoint folder) and skips the one still there; a file that is not a
 * bundle is refused in words and changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Experiment, RunSummary } from '../../main/common/domain';
import { mlpConfig } from '../helpers/configs';
import { tempDir } from '../helpers/tempDir';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, seed: number): Promise<RunSummary> {
  const config = { ...mlpConfig({ seed, epochs: 1, batchSize: 32 }, { trainSize: 200, testSize: 100 }), name };
  return ui.api<RunSummary>('runs.start', { experimentId, config });
}

describe('bundles in the UI', () => {
  it('exports an experiment, re-imports a deleted run from it, skips the one still here, and refuses a foreign file', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Portable' });
    const first = await startRun(experiment.id, 'first', 31);
    const second = await startRun(experiment.id, 'second', 32);
    await ui.waitForDone([first, second]);
    const out = path.join(tempDir(), 'portable.lwbundle');

    await page.goto(ui.serve.url);
    await page.getByTestId('experiment-link').filter({ hasText: 'Portable' }).click();
    await page.getByTestId('bundle-export-button').first().click();
    await page.getByTestId('bundle-export-path').fill(out);
    await page.getByTestId('bundle-export-submit').click();
    const done = page.getByTestId('bundle-export-done');
    await done.waitFor();
    expect(await done.textContent()).toContain('2 runs');
    expect(fs.statSync(out).size).toBeGreaterThan(1024);

    // The second run goes, folder and all; the bundle brings it back.
    await ui.api('runs.delete', { id: second.id });
    const secondDir = path.join(ui.dataDir, 'runs', String(second.id));
    expect(fs.existsSync(secondDir)).toBe(false);

    await page.getByTestId('nav-experiments').click();
    await page.getByTestId('bundle-import-path').fill(out);
    await page.getByTestId('bundle-import-submit').click();
    const report = page.getByTestId('bundle-import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('1 runs added, 1 skipped (already here)');
    expect(await report.textContent()).toContain('merged into: Portable');
    const runs = await ui.api<RunSummary[]>('runs.list', { experimentId: experiment.id });
    expect(runs.map((r) => r.name).sort()).toEqual(['first', 'second']);
    const back = runs.find((r) => r.name === 'second')!;
    expect(back.status).toBe('done');
    expect(fs.existsSync(path.join(ui.dataDir, 'runs', String(back.id), 'checkpoints'))).toBe(true);

    // A PNG renamed to .lwbundle: refused with the reason, nothing added.
    const foreign = path.join(tempDir(), 'picture.lwbundle');
    fs.writeFileSync(foreign, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    await page.getByTestId('bundle-import-path').fill(foreign);
    await page.getByTestId('bundle-import-submit').click();
    const error = page.getByTestId('bundle-import-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/cannot be imported: .*Nothing was changed\./);
    expect((await ui.api<RunSummary[]>('runs.list', { experimentId: experiment.id })).length).toBe(2);
    // The refusal's 400 is the only problem the page saw.
    expect(ui.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });
});
