/**
 * The real UI in Chromium against `serve` (real services, SQLite, workers):
 * start a classifier run from the form, watch its loss curve grow, reload and
 * find it again, and see an invalid learning rate refused inline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { requireBuilt, tempDir } from '../helpers/tempDir';
import { screenshotPath } from '../helpers/screenshots';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  requireBuilt();
  serve = await startServe(tempDir(), { LATENT_BACKEND: 'wasm' });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith(serve.origin) && !r.url().startsWith(`blob:${serve.origin}`) && !r.url().startsWith('ws://127.0.0.1') && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`); });
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

async function points(testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-points'));
}

describe('classifier run from the UI', () => {
  it('creates an experiment, refuses a bad learning rate inline, trains, and survives a reload', async () => {
    await page.goto(serve.url);
    await page.getByTestId('new-experiment-name').fill('MNIST baselines');
    await page.getByTestId('create-experiment').click();
    await page.getByTestId('experiment-link').filter({ hasText: 'MNIST baselines' }).click();
    await page.getByTestId('new-run-button').click();

    await page.getByTestId('field-learningRate').fill('-0.5');
    await expect.poll(async () => page.getByTestId('error-learningRate').textContent()).toContain('greater than 0');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(true);

    await page.getByTestId('field-learningRate').fill('0.001');
    await expect.poll(async () => page.getByTestId('error-learningRate').count()).toBe(0);
    await page.getByTestId('field-trainSize').fill('10000');
    await page.getByTestId('field-testSize').fill('1000');
    await page.getByTestId('field-epochs').fill('3');
    await page.getByTestId('field-batchSize').fill('16');
    await page.getByTestId('field-name').fill('mlp-e2e');
    expect(await page.getByTestId('start-run').isDisabled()).toBe(false);
    await page.getByTestId('start-run').click();

    await page.getByTestId('loss-chart').waitFor();
    await expect.poll(() => points('loss-chart'), { timeout: 60_000 }).toBeGreaterThan(0);
    const early = await points('loss-chart');
    await expect.poll(() => points('loss-chart'), { timeout: 60_000 }).toBeGreaterThan(early);
    expect(await page.getByTestId('run-backend').textContent()).toContain('wasm');

    await expect.poll(async () => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toContain('done');
    await expect.poll(() => points('accuracy-chart')).toBeGreaterThanOrEqual(3);
    // Every step's loss reaches the chart: none lost between the first fetch and the live events.
    const final = 3 * Math.ceil(9000 / 16);
    await expect.poll(() => points('loss-chart')).toBe(final);
    await page.screenshot({ path: screenshotPath('screenshot-run.png') });

    await page.reload();
    await expect.poll(async () => page.getByTestId('run-status').textContent()).toContain('done');
    await expect.poll(() => points('loss-chart')).toBe(final);
    expect(await page.getByTestId('run-config').textContent()).toContain('0.001');

    // The experiment page lists the run with its status and backend.
    await page.goto(new URL('/#/', serve.origin).href);
    await page.getByTestId('experiment-link').filter({ hasText: 'MNIST baselines' }).click();
    const row = page.getByTestId('run-row').filter({ hasText: 'mlp-e2e' });
    await expect.poll(async () => row.getByTestId('run-status').textContent()).toContain('done');
    expect(await row.getByTestId('run-backend').textContent()).toContain('wasm');
    await page.screenshot({ path: screenshotPath('screenshot-experiment.png') });
    expect(problems).toEqual([]);
  });
});
