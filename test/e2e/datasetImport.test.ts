/**
 * The real UI in Chromium against `serve` (real services, SQLite, workers):
 * import a generated folder of MNIST PNGs from the Datasets page (after a
 * refused one whose error names the bad file), see it listed with its
 * thumbnails, train a classifier on it from the new-run form, see it finish,
 * and remove the set (the run is kept, and the page says so).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { digitPng, mnistDigits, writeFlatFolder } from '../helpers/datasetFixtures';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { requireBuilt, tempDir } from '../helpers/tempDir';
import { screenshotPath } from '../helpers/screenshots';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const sources = tempDir('latent-e2e-sources-');

beforeAll(async () => {
  requireBuilt();
  serve = await startServe(tempDir(), { LATENT_BACKEND: 'wasm' });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('the server responded with a status of 400')) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith(serve.origin) && !r.url().startsWith(`blob:${serve.origin}`) && !r.url().startsWith('ws://127.0.0.1') && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`); });
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  fs.rmSync(sources, { recursive: true, force: true });
});

describe('importing a dataset from the UI', () => {
  it('imports a PNG folder, lists it with thumbnails, trains a classifier on it, and removes it', async () => {
    const good = path.join(sources, 'digits');
    writeFlatFolder(good, 600);
    const bad = path.join(sources, 'mixed');
    writeFlatFolder(bad, 40, { classes: 2 });
    const odd = path.join(bad, 'one', 'odd-size.png');
    fs.writeFileSync(odd, digitPng(mnistDigits(1), 0, 'grey', 20));

    await page.goto(serve.url);
    await page.getByTestId('nav-datasets').click();
    const mnistRow = page.locator('[data-testid="dataset-row"][data-dataset-id="mnist"]');
    await mnistRow.waitFor();
    expect(await mnistRow.getByTestId('dataset-kind').textContent()).toContain('built in');

    // A refused import: the error names the odd file and nothing is listed.
    await page.getByTestId('import-name').fill('Broken digits');
    await page.getByTestId('import-path').fill(bad);
    await page.getByTestId('import-submit').click();
    await expect.poll(async () => page.getByTestId('import-error').textContent()).toContain(odd);
    expect(await page.getByTestId('import-error').textContent()).toMatch(/Images must all have one size: .* is 20×20 but .* is 28×28/);
    expect(await page.getByTestId('dataset-row').count()).toBe(1);

    // The test fraction is checked inline with the request's schema.
    await page.getByTestId('import-testFraction').fill('1.5');
    await expect.poll(async () => page.getByTestId('error-import-testFraction').textContent()).toContain('testFraction must be less than 1');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    await page.getByTestId('import-testFraction').fill('0.25');

    await page.getByTestId('import-name').fill('My digits');
    await page.getByTestId('import-path').fill(good);
    await page.getByTestId('import-submit').click();
    const row = page.locator('[data-testid="dataset-row"][data-dataset-id="my-digits"]');
    await row.waitFor();
    expect(await page.getByTestId('import-error').count()).toBe(0);
    expect(await row.getByTestId('dataset-name').textContent()).toBe('My digits');
    expect(await row.getByTestId('dataset-kind').textContent()).toContain('image folder');
    expect(await row.getByTestId('dataset-shape').textContent()).toContain('28×28 grey');
    expect(await row.getByTestId('dataset-classes').textContent()).toMatch(/10\s+eight, five, four/);
    const trainSize = Number((await row.getByTestId('dataset-train-size').textContent())?.replace(/,/g, ''));
    const testSize = Number((await row.getByTestId('dataset-test-size').textContent())?.replace(/,/g, ''));
    expect(trainSize + testSize).toBe(600);
    await expect.poll(() => row.getByTestId('dataset-thumb').count()).toBe(8);
    await expect.poll(() => row.getByTestId('dataset-thumb').first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(28);
    await page.screenshot({ path: screenshotPath('screenshot-datasets.png') });

    // Train on it from the new-run form: the dataset select lists it.
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByTestId('new-experiment-name').fill('Own data');
    await page.getByTestId('create-experiment').click();
    await page.getByTestId('experiment-link').filter({ hasText: 'Own data' }).click();
    await page.getByTestId('new-run-button').click();
    await page.getByTestId('field-dataset').selectOption('my-digits');
    await page.getByTestId('field-trainSize').fill('400');
    await page.getByTestId('field-testSize').fill('100');
    await page.getByTestId('field-epochs').fill('2');
    await page.getByTestId('field-batchSize').fill('16');
    await page.getByTestId('field-name').fill('mlp-on-my-digits');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(false);
    await page.getByTestId('start-run').click();
    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toContain('done');
    expect(await page.getByTestId('run-config').textContent()).toContain('my-digits');

    // Remove it: the run stays, and the page says so.
    await page.getByTestId('nav-datasets').click();
    await row.waitFor();
    await row.getByTestId('dataset-remove').click();
    await row.getByTestId('dataset-remove-confirm').click();
    await expect.poll(async () => page.getByTestId('removal-message').textContent()).toMatch(/Removed "My digits" and its files\. The run that trained on it \(\d+\) keeps its records, but can no longer be resumed or analysed\./);
    expect(await row.count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
