/**
 * The RBM family end to end, with no RBM-specific UI code: started from the
 * generic new-run form, its curves drawn from its descriptor's charts, its
 * filters and Gibbs samples in the generic gallery by step, and its headline
 * on the experiment page. Real serve, SQLite, worker and MNIST (seed 42).
 */
import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../helpers/screenshots';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

const points = async (testId: string): Promise<number> => Number(await ui.page.getByTestId(testId).getAttribute('data-points'));

describe('RBM run from the UI', () => {
  it('trains with CD-1 from the form and shows its curves, filters and samples', async () => {
    const { page } = ui;
    await page.goto(ui.serve.url);
    await page.getByTestId('new-experiment-name').fill('Energy-based');
    await page.getByTestId('create-experiment').click();
    await page.getByTestId('experiment-link').filter({ hasText: 'Energy-based' }).click();
    await page.getByTestId('new-run-button').click();
    await page.getByTestId('field-family').selectOption('rbm');
    await page.getByTestId('field-numHidden').fill('64');
    await page.getByTestId('field-trainSize').fill('1000');
    await page.getByTestId('field-testSize').fill('200');
    await page.getByTestId('field-epochs').fill('2');
    await page.getByTestId('field-batchSize').fill('50');
    await page.getByTestId('field-gibbsSteps').fill('30');
    await page.getByTestId('field-sampleEverySteps').fill('10');
    await page.getByTestId('field-name').fill('rbm-e2e');
    await page.getByTestId('start-run').click();

    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toContain('done');
    // 100 of the 1,000 images held out for validation (the form's default 0.1): 2 epochs of 18 batches,
    // every step's reconstruction error, and each epoch's measures (training, validation, test).
    await expect.poll(() => points('loss-chart')).toBe(36);
    await expect.poll(() => points('epoch-chart')).toBe(6);
    await expect.poll(() => points('rbm-free-energy-chart')).toBe(4);
    await expect.poll(() => points('rbm-pll-chart')).toBe(4);
    const gallery = page.getByTestId('gallery');
    await expect.poll(async () => gallery.getAttribute('data-kinds')).toContain('filters');
    await page.getByTestId('gallery-kind-filters').click();
    // Step 0 (the untrained filters), steps 10, 20, 30 and the epoch ends 18 and 36.
    await expect.poll(async () => Number(await page.getByTestId('gallery-slider').getAttribute('max'))).toBe(5);
    await page.screenshot({ path: screenshotPath('screenshot-rbm.png') });
    await gallery.screenshot({ path: screenshotPath('screenshot-rbm-filters.png') });

    await page.locator('.breadcrumb').getByRole('link', { name: 'Energy-based' }).click();
    const row = page.getByTestId('run-row').filter({ hasText: 'rbm-e2e' });
    await expect.poll(async () => row.getByTestId('run-best-metric').textContent()).toContain('nats');
    expect(ui.problems).toEqual([]);
  });
});
