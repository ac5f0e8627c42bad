/**
 * Settings → Backends in Chromium against `serve`: each backend loaded in its
 * own process by the real services; wasm and cpu load, tfjs-node (not
 * installed here) says so, the GPU build's requirements and this machine's
 * findings are listed, and "Probe again" probes again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  requireBuilt();
  serve = await startServe(tempDir(), { LATENT_BACKEND: 'wasm' });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('the Settings page\'s backend diagnostics', () => {
  it('shows which backends loaded, the real error of the others, and what the GPU build needs', async () => {
    await page.goto(serve.url);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const wasm = page.getByTestId('backend-wasm');
    await expect.poll(async () => wasm.textContent(), { timeout: 60_000 }).toContain('loaded');
    expect(await wasm.textContent()).toMatch(/on Node v\d+\./);
    expect(await page.getByTestId('backend-cpu').textContent()).toContain('loaded');
    expect(await page.getByTestId('backend-tensorflow').textContent()).toContain('not installed');
    expect(await page.getByTestId('backend-error-tensorflow').textContent()).toBe('@tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node)');
    expect(await page.getByTestId('gpu-requirements').textContent()).toContain('CUDA 11.2, cuDNN 8.1 and an NVIDIA driver ≥ 450.80.02 (Linux) or ≥ 452.39 (Windows)');
    expect(await page.getByTestId('gpu-findings').locator('li').count()).toBeGreaterThan(0);

    await page.getByTestId('backend-probe-again').click();
    await expect.poll(async () => page.getByTestId('backend-probe-again').textContent(), { timeout: 60_000 }).toContain('Probe again');
    expect(await page.getByTestId('backend-wasm').textContent()).toContain('loaded');
    expect(problems).toEqual([]);
  });
});
