/**
 * The gallery and the latent tools in Chromium against `serve` (real
 * services, SQLite, workers): train a small 2-D VAE from the form, browse its
 * sample images by step (slider, play), find the manifold, interpolate
 * between two picked test images and compute a UMAP scatter of the codes —
 * with no console errors or CSP violations on the way.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { uiSession } from '../helpers/uiSession';
import { screenshotPath } from '../helpers/screenshots';

const ui = uiSession();

async function attr(testId: string, name: string, scope: Page | Locator = ui.page): Promise<string | null> {
  return scope.getByTestId(testId).getAttribute(name);
}

describe('gallery and latent tools from the UI', () => {
  it('trains a 2-D VAE, browses its samples by step, interpolates and projects the codes', async () => {
    await ui.page.goto(ui.serve.url);
    await ui.page.getByTestId('new-experiment-name').fill('VAE gallery');
    await ui.page.getByTestId('create-experiment').click();
    await ui.page.getByTestId('experiment-link').filter({ hasText: 'VAE gallery' }).click();
    await ui.page.getByTestId('new-run-button').click();

    // The family select switches the fields.
    await ui.page.getByTestId('field-family').selectOption('vae');
    await ui.page.getByTestId('field-latentDim').waitFor();
    expect(await ui.page.getByTestId('field-decoderVariance').count()).toBe(0);
    await ui.page.getByTestId('field-decoder').selectOption('gaussian');
    await ui.page.getByTestId('field-decoderVariance').waitFor();
    await ui.page.getByTestId('field-decoder').selectOption('bernoulli');
    await ui.page.getByTestId('field-latentDim').fill('0');
    await expect.poll(async () => ui.page.getByTestId('error-latentDim').textContent()).toContain('at least 1');
    expect(await ui.page.getByTestId('start-run').isDisabled()).toBe(true);

    await ui.page.getByTestId('field-latentDim').fill('2');
    await ui.page.getByTestId('field-trainSize').fill('2000');
    await ui.page.getByTestId('field-testSize').fill('500');
    await ui.page.getByTestId('field-epochs').fill('3');
    await ui.page.getByTestId('field-batchSize').fill('64');
    await ui.page.getByTestId('field-sampleEverySteps').fill('10');
    await ui.page.getByTestId('field-name').fill('vae-2d-e2e');
    await expect.poll(async () => ui.page.getByTestId('start-run').isDisabled()).toBe(false);
    await ui.page.getByTestId('start-run').click();

    await ui.page.getByTestId('loss-chart').waitFor();
    // Images arrive while the run trains (artifacts.onDidAdd): the slider grows without a reload.
    const gallery = ui.page.getByTestId('gallery');
    const slider = gallery.getByTestId('gallery-slider');
    await gallery.getByTestId('gallery-kind-samples').waitFor({ timeout: 120_000 });
    await expect.poll(async () => ui.page.getByTestId('run-status').textContent(), { timeout: 120_000, interval: 500 }).toContain('done');
    await gallery.getByTestId('gallery-kind-samples').click();
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const liveMax = Number(await slider.getAttribute('max'));
    await ui.page.reload();
    await gallery.getByTestId('gallery-kind-samples').click();
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 10_000 }).toBe(liveMax);

    await expect.poll(async () => Number(await attr('epoch-chart', 'data-points')), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(async () => Number(await attr('kl-dims-chart', 'data-points')), { timeout: 10_000 }).toBe(2);
    await ui.page.getByTestId('architecture-part').filter({ hasText: 'encoder' }).first().waitFor();

    // ---- gallery: samples by step ----
    const max = liveMax;
    expect(await slider.inputValue()).toBe(String(max));
    const image = gallery.getByTestId('gallery-image');
    await expect.poll(async () => image.getAttribute('data-artifact-id'), { timeout: 10_000 }).not.toBeNull();
    const lastId = await image.getAttribute('data-artifact-id');
    const lastStep = Number(await image.getAttribute('data-step'));
    const lastSrc = await image.getAttribute('src');
    expect(lastSrc).toMatch(/^blob:/);

    await slider.fill('0');
    await expect.poll(async () => image.getAttribute('data-artifact-id'), { timeout: 10_000 }).not.toBe(lastId);
    const firstStep = Number(await image.getAttribute('data-step'));
    expect(firstStep).toBeLessThan(lastStep);
    const firstSrc = await image.getAttribute('src');
    expect(firstSrc).toMatch(/^blob:/);
    expect(firstSrc).not.toBe(lastSrc);
    await expect.poll(async () => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await gallery.getByTestId('gallery-step').textContent()).toContain(`step ${firstStep}`);

    // Play advances through the steps.
    await gallery.getByTestId('gallery-play').click();
    await expect.poll(async () => Number(await image.getAttribute('data-step')), { timeout: 10_000 }).toBeGreaterThan(firstStep);
    await gallery.getByTestId('gallery-play').click();

    // Download and zoom.
    expect(await gallery.getByTestId('gallery-download').getAttribute('href')).toMatch(/^blob:/);
    expect(await gallery.getByTestId('gallery-download').getAttribute('download')).toMatch(/samples-step-\d+/);
    await image.click({ position: { x: 10, y: 10 } });
    await ui.page.getByTestId('gallery-zoom').waitFor();
    expect(await ui.page.getByTestId('gallery-zoom-caption').textContent()).toContain('row 1, column 1');
    await ui.page.getByTestId('gallery-zoom-close').click();
    await expect.poll(async () => ui.page.getByTestId('gallery-zoom').count()).toBe(0);

    // Reconstructions carry their row labels.
    await gallery.getByTestId('gallery-kind-reconstructions').click();
    await expect.poll(async () => gallery.getByTestId('gallery-row-labels').textContent(), { timeout: 10_000 }).toContain('input');

    // A 2-D latent also gets the manifold.
    expect(await gallery.getByTestId('gallery-kind-manifold').count()).toBe(1);
    await gallery.getByTestId('gallery-kind-manifold').click();
    await expect.poll(async () => Number(await image.getAttribute('data-artifact-id')), { timeout: 10_000 }).toBeGreaterThan(0);

    // ---- latent tools: interpolation ----
    const tools = ui.page.getByTestId('latent-tools');
    await tools.waitFor();
    const interpolation = tools.getByTestId('interpolation-tool');
    const picks = interpolation.getByTestId('pick-image');
    await expect.poll(async () => picks.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    await picks.nth(0).click();
    await picks.nth(7).click();
    expect(await attr('picked-a', 'data-index', interpolation)).toBe('0');
    expect(await attr('picked-b', 'data-index', interpolation)).toBe('7');
    await interpolation.getByTestId('interpolation-steps').fill('8');
    await interpolation.getByTestId('interpolate').click();
    const result = interpolation.getByTestId('interpolation-result');
    await result.waitFor({ timeout: 60_000 });
    await expect.poll(async () => result.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await interpolation.getByTestId('analysis-error').count()).toBe(0);
    // The result joins the gallery as its own kind.
    await expect.poll(async () => gallery.getByTestId('gallery-kind-interpolation').count(), { timeout: 10_000 }).toBe(1);

    // ---- latent tools: UMAP scatter ----
    await tools.getByTestId('scatter-method').selectOption('umap');
    await tools.getByTestId('scatter-compute').click();
    const scatter = tools.getByTestId('latent-scatter');
    await expect.poll(async () => scatter.getAttribute('data-method'), { timeout: 120_000, interval: 500 }).toBe('umap');
    expect(Number(await scatter.getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await tools.getByTestId('analysis-error').count()).toBe(0);

    // The screenshot: the newest samples, the scatter and the interpolation.
    await gallery.getByTestId('gallery-kind-samples').click();
    await slider.fill(String(max));
    await expect.poll(async () => image.getAttribute('data-artifact-id'), { timeout: 10_000 }).toBe(lastId);
    await ui.page.setViewportSize({ width: 1280, height: 1700 });
    await ui.page.getByTestId('gallery').evaluate((el) => { el.closest('section')?.scrollIntoView({ block: 'start' }); window.scrollBy(0, -52); });
    await ui.page.screenshot({ path: screenshotPath('screenshot-gallery.png') });
    expect(ui.problems).toEqual([]);
  }, 400_000);
});
