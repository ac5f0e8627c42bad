/**
 * Settings → Backends in Chromium against `serve`: each backend loaded in its
 * own process by the real services; wasm and cpu load, tfjs-node (not
 * installed here) says so, the GPU build's requirements and this machine's
 * findings are listed, and "Probe again" probes again.
 */
import { describe, expect, it } from 'vitest';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

describe('the Settings page\'s backend diagnostics', () => {
  it('shows which backends loaded, the real error of the others, and what the GPU build needs', async () => {
    const { page } = ui;
    await page.goto(ui.serve.url);
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
    expect(ui.problems).toEqual([]);
  });
});
