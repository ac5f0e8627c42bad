/**
 * The compare view's side-by-side galleries in Chromium against serve: two
 * tiny autoencoder runs (MNIST, 200 training and 50 test images, batch sizes
 * 20 and 40 so their steps differ, 3 and 2 epochs; reconstructions at each
 * epoch end) compared; one slider drives both cells, which show the same
 * epoch, the shorter run its last one (labelled) past its end; the position
 * is in the URL and a reload keeps it; play runs to the end.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment, RunSummary } from '../../main/common/domain';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, epochs: number, batchSize: number): Promise<RunSummary> {
  const config = {
    family: 'autoencoder',
    name,
    dataset: { id: 'mnist', trainSize: 200, testSize: 50 },
    hyper: { epochs, batchSize, latentDim: 8, seed: 5 },
  };
  return ui.api<RunSummary>('runs.start', { experimentId, config });
}

describe('comparing runs\' galleries', () => {
  it('shows both runs\' reconstructions at one epoch under one slider, kept in the URL', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'AE galleries' });
    const long = await startRun(experiment.id, 'ae-b20-e3', 3, 20);
    const short = await startRun(experiment.id, 'ae-b40-e2', 2, 40);
    await ui.waitForDone([long, short], 120_000);

    await ui.openRoute(`/#/compare?runs=${long.id},${short.id}`);

    const galleries = page.getByTestId('compare-galleries');
    const cells = page.getByTestId('compare-gallery-cell');
    const cellOf = (id: number) => page.locator(`[data-testid="compare-gallery-cell"][data-run-id="${id}"]`);
    await expect.poll(() => cells.count(), { timeout: 10_000 }).toBe(2);
    // Images are read only for cells on screen; the section is below the charts.
    await galleries.scrollIntoViewIfNeeded();
    await expect.poll(async () => galleries.getAttribute('data-kind'), { timeout: 10_000 }).toBe('reconstructions');
    // One image per epoch end in each run: the slider counts epochs, the union of both runs' (three).
    expect(await galleries.getAttribute('data-axis')).toBe('epoch');
    const slider = page.getByTestId('compare-gallery-slider');
    await expect.poll(async () => slider.getAttribute('max')).toBe('2');

    // At first the newest epoch: the longer run there, the shorter its last one, labelled as earlier.
    const position = page.getByTestId('compare-gallery-position');
    const last = await position.getAttribute('data-position');
    await expect.poll(async () => cellOf(long.id).getAttribute('data-position')).toBe(last);
    expect(await cellOf(long.id).getAttribute('data-exact')).toBe('true');
    await expect.poll(async () => cellOf(short.id).getAttribute('data-exact')).toBe('false');
    expect(Number(await cellOf(short.id).getAttribute('data-position'))).toBeLessThan(Number(last));
    expect(await cellOf(short.id).getByTestId('compare-gallery-cell-step').textContent()).toContain('its latest before epoch');

    // The slider moves both cells to one epoch: the same position, different steps (batch sizes differ), both images drawn.
    await slider.fill('1');
    await expect.poll(async () => position.getAttribute('data-position')).not.toBe(last);
    const middle = await position.getAttribute('data-position');
    for (const r of [long, short]) {
      await expect.poll(async () => cellOf(r.id).getAttribute('data-position')).toBe(middle);
      expect(await cellOf(r.id).getAttribute('data-exact')).toBe('true');
      const image = cellOf(r.id).getByTestId('compare-gallery-image');
      await expect.poll(async () => image.getAttribute('data-artifact-id'), { timeout: 10_000 }).toBe(await cellOf(r.id).getAttribute('data-artifact-id'));
      expect(await image.getAttribute('src')).toMatch(/^blob:/);
    }
    expect(await cellOf(long.id).getAttribute('data-step')).not.toBe(await cellOf(short.id).getAttribute('data-step'));
    await expect.poll(() => page.url()).toContain(`galleryAt=${middle}`);
    expect(page.url()).not.toContain('gallery=');
    await page.getByTestId('compare-gallery-kind').selectOption('reconstructions');
    await expect.poll(() => page.url()).toContain('gallery=reconstructions');
    await page.screenshot({ path: screenshotPath('screenshot-compare-galleries.png'), fullPage: true });

    // A reload shows the same epoch.
    await page.reload();
    await galleries.scrollIntoViewIfNeeded();
    await expect.poll(async () => cellOf(short.id).getAttribute('data-position'), { timeout: 10_000 }).toBe(middle);
    expect(await cellOf(long.id).getAttribute('data-position')).toBe(middle);
    expect(await slider.inputValue()).toBe('1');

    // Play from the first epoch runs to the newest and stops there.
    await slider.fill('0');
    await expect.poll(async () => slider.inputValue()).toBe('0');
    const play = page.getByTestId('compare-gallery-play');
    await play.click();
    await expect.poll(async () => slider.inputValue(), { timeout: 10_000 }).toBe('2');
    await expect.poll(async () => play.getAttribute('aria-pressed'), { timeout: 5_000 }).toBe('false');
    await expect.poll(async () => cellOf(long.id).getAttribute('data-position')).toBe(last);

    expect(ui.problems).toEqual([]);
  });
});
