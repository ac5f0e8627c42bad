/**
 * A PCA run's page in Chromium against serve: its scree chart, and the latent
 * tools that apply to a linear code — a traversal along components 1–2 and the
 * reconstruction of chosen test images, computed from the run's components
 * (no checkpoint) — with no latent arithmetic offered. PCA on 500 MNIST
 * training and 100 test images, 5 components (PCA draws nothing at random).
 */
import { describe, expect, it } from 'vitest';
import type { Experiment, RunSummary } from '../../main/common/domain';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

describe('a PCA run page', () => {
  it('traverses components and reconstructs test images from the fitted components', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Linear codes' });
    const config = { family: 'pca', dataset: { id: 'mnist', trainSize: 500, testSize: 100 }, hyper: { components: 5, seed: 0 } };
    const run = await ui.api<RunSummary>('runs.start', { experimentId: experiment.id, config });
    await ui.waitForDone([run]);
    await ui.openRoute(`/#/runs/${run.id}`);

    const traversal = page.getByTestId('traversal-tool');
    await traversal.waitFor();
    await traversal.getByTestId('traversal-components').fill('1-2');
    await traversal.getByTestId('traverse').click();
    const image = page.getByTestId('traversal-result');
    await image.waitFor();
    // Two components by the tool's default 7 steps, 28×28 cells: a real PNG, decoded by the page.
    await expect.poll(async () => image.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 }).toBeGreaterThan(7 * 28);
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBeGreaterThanOrEqual(2 * 28);

    const reconstruction = page.getByTestId('reconstruction-tool');
    const picks = reconstruction.getByTestId('pick-image');
    await expect.poll(async () => picks.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await picks.nth(0).click();
    await picks.nth(2).click();
    await reconstruction.getByTestId('reconstruct').click();
    await expect.poll(async () => page.getByTestId('reconstruction-result').count(), { timeout: 30_000 }).toBe(1);
    // Each picked image over its reconstruction: two rows of two 28×28 cells.
    const grid = page.getByTestId('reconstruction-result');
    await expect.poll(async () => grid.evaluate((img: HTMLImageElement) => img.naturalHeight), { timeout: 30_000 }).toBeGreaterThanOrEqual(2 * 28);

    // A linear code has no arithmetic tool on its page.
    expect(await page.getByTestId('arithmetic-tool').count()).toBe(0);
    expect(await page.getByTestId('interpolation-tool').count()).toBe(1);
    expect(ui.problems).toEqual([]);
  });
});
