/**
 * The GAN diagnostics in Chromium against `serve` (real services, SQLite,
 * workers): a GAN on the 2-D ring of 8 Gaussians started from the form,
 * its toy density view (the discriminator's surface with real and generated
 * points) growing a step at a time while it trains, scrubbed and played; and
 * the memorisation check on an MNIST GAN's samples: a click on a sample
 * shows its 5 nearest training images with their distances — with no
 * console errors or CSP violations on the way.
 */
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../main/common/domain';
import { uiSession } from '../helpers/uiSession';
import { screenshotPath } from '../helpers/screenshots';

const ui = uiSession();

/** Share of the chart's pixels drawn on any of its canvas layers (not transparent): the heatmap fills most of the plot. */
async function drawnFraction(): Promise<number> {
  return ui.page.getByTestId('toy-density-chart').locator('canvas').evaluateAll((canvases: HTMLCanvasElement[]) => {
    const first = canvases[0];
    if (!first || first.width === 0 || first.height === 0) return 0;
    const drawn = new Uint8Array(first.width * first.height);
    for (const c of canvases) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width !== first.width || c.height !== first.height) continue;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let p = 0; p < drawn.length; p++) if (data[4 * p + 3]! > 0) drawn[p] = 1;
    }
    return drawn.reduce((n, v) => n + v, 0) / drawn.length;
  });
}


describe('GAN diagnostics from the UI', () => {
  it('trains a GAN on ring8 from the form and shows the decision surface and the points step by step', async () => {
    await ui.page.goto(ui.serve.url);
    await ui.page.getByTestId('new-experiment-name').fill('GAN toys');
    await ui.page.getByTestId('create-experiment').click();
    await ui.page.getByTestId('experiment-link').filter({ hasText: 'GAN toys' }).click();
    await ui.page.getByTestId('new-run-button').click();

    await ui.page.getByTestId('field-family').selectOption('gan');
    await ui.page.getByTestId('field-ganData').selectOption('ring8');
    await ui.page.getByTestId('field-toyStepsPerEpoch').fill('100');
    await ui.page.getByTestId('field-epochs').fill('2');
    await ui.page.getByTestId('field-sampleEverySteps').fill('25');
    await ui.page.getByTestId('field-batchSize').fill('128');
    await ui.page.getByTestId('field-name').fill('gan-ring8-e2e');
    await expect.poll(async () => ui.page.getByTestId('start-run').isDisabled()).toBe(false);
    await ui.page.getByTestId('start-run').click();

    // The density view appears with the first toy-scatter (step 0) and grows while the run trains.
    const panel = ui.page.getByTestId('toy-density-panel');
    const chart = ui.page.getByTestId('toy-density-chart');
    const slider = panel.getByTestId('toy-step-slider');
    await chart.waitFor({ timeout: 120_000 });
    const runId = Number(/#\/runs\/(\d+)/.exec(ui.page.url())?.[1]);
    expect(runId).toBeGreaterThan(0);
    const firstSeen = Number(await panel.getAttribute('data-steps'));
    expect(firstSeen).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => Number(await panel.getAttribute('data-steps')), { timeout: 120_000, interval: 200 }).toBeGreaterThan(1);
    await expect.poll(async () => ui.page.getByTestId('run-status').textContent(), { timeout: 120_000, interval: 500 }).toContain('done');

    // All the run's toy-scatter artifacts are on the slider (live, no reload), and the newest is shown.
    const toyScatters = (await ui.api<ArtifactInfo[]>('artifacts.list', { runId })).filter((a) => a.kind === 'toy-scatter');
    const steps = toyScatters.map((a) => a.step).sort((a, b) => a - b);
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps[0]).toBe(0);
    await expect.poll(async () => Number(await slider.getAttribute('max')), { timeout: 10_000 }).toBe(steps.length - 1);
    expect(firstSeen).toBeLessThan(steps.length); // the view was up before the run ended, and grew
    expect(await slider.inputValue()).toBe(String(steps.length - 1));
    const lastStep = steps[steps.length - 1]!;
    await expect.poll(async () => Number(await chart.getAttribute('data-step')), { timeout: 10_000 }).toBe(lastStep);
    expect(await panel.getByTestId('toy-step').textContent()).toContain(`step ${lastStep}`);

    // What is drawn: the surface as a probability (non-saturating loss), 500 real and 500 generated points, 8 centres.
    expect(await chart.getAttribute('data-surface-kind')).toBe('probability');
    expect(Number(await chart.getAttribute('data-real'))).toBe(500);
    expect(Number(await chart.getAttribute('data-generated'))).toBeGreaterThan(400);
    expect(await chart.getByTestId('toy-surface-legend').textContent()).toContain('P(real)');
    expect(await chart.getByTestId('toy-surface-legend').textContent()).toContain('8 mixture centres');
    expect(await drawnFraction()).toBeGreaterThan(0.2);

    // Modes covered and mode distance agree with the recorded artifact at that step.
    const newest = toyScatters.find((a) => a.step === lastStep)!;
    const modes = panel.getByTestId('toy-modes-covered');
    expect(await modes.textContent()).toBe(`${String(newest.meta['modesCovered'])} / 8 modes`);
    expect(Number(await modes.getAttribute('data-value'))).toBe(newest.meta['modesCovered']);
    expect(await panel.getByTestId('toy-mode-distance').textContent()).toBe(String(Number((newest.meta['modeDistance'] as number).toPrecision(3))));

    // Scrub back to step 0, then play forward.
    await slider.fill('0');
    await expect.poll(async () => chart.getAttribute('data-step'), { timeout: 10_000 }).toBe('0');
    expect(await panel.getByTestId('toy-step').textContent()).toContain(`step 0 · epoch 0 · 1/${steps.length}`);
    const first = toyScatters.find((a) => a.step === 0)!;
    expect(await modes.getAttribute('data-value')).toBe(String(first.meta['modesCovered']));
    await panel.getByTestId('toy-play').click();
    await expect.poll(async () => Number(await chart.getAttribute('data-step')), { timeout: 10_000 }).toBeGreaterThan(0);
    // Playback runs to the newest step and stops there.
    await expect.poll(async () => Number(await chart.getAttribute('data-step')), { timeout: 30_000 }).toBe(lastStep);
    await expect.poll(async () => panel.getByTestId('toy-play').textContent(), { timeout: 5_000 }).toContain('Play');

    // A toy run logs no images: no empty gallery.
    expect(await ui.page.getByTestId('gallery').count()).toBe(0);

    await ui.page.getByTestId('toy-density-panel').evaluate((el) => { el.closest('section')?.scrollIntoView({ block: 'start' }); window.scrollBy(0, -52); });
    await ui.page.screenshot({ path: screenshotPath('screenshot-gan-toy.png') });
    expect(ui.problems).toEqual([]);
  }, 300_000);

  it('finds the nearest training images of a clicked MNIST GAN sample', async () => {
    // Set-up through the API (the thing under test is the click): a small MLP GAN on 500 MNIST images.
    const experiment = await ui.api<{ id: number }>('experiments.create', { name: 'GAN memorisation' });
    const run = await ui.api<{ id: number }>('runs.start', {
      experimentId: experiment.id,
      config: { family: 'gan', name: 'gan-mnist-e2e', dataset: { id: 'mnist', trainSize: 500, testSize: 100 }, architecture: { template: 'mlp' }, hyper: { epochs: 1, evalSamples: 0 } },
    });
    const token = new URL(ui.serve.url).searchParams.get('token')!;
    await ui.page.goto(`${ui.serve.origin}/?token=${token}#/runs/${run.id}`);
    await expect.poll(async () => ui.page.getByTestId('run-status').textContent(), { timeout: 180_000, interval: 500 }).toContain('done');

    const gallery = ui.page.getByTestId('gallery');
    await gallery.getByTestId('gallery-kind-samples').click();
    expect(await gallery.getByTestId('neighbour-hint').textContent()).toContain('Click a sample to find its nearest training images');
    const image = gallery.getByTestId('gallery-image');
    await expect.poll(async () => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await image.evaluate((img) => getComputedStyle(img).cursor)).toBe('crosshair');
    const step = Number(await image.getAttribute('data-step'));

    // Row 2, column 3 of the 8×8 grid: cell 10.
    const box = (await image.boundingBox())!;
    await image.click({ position: { x: box.width * (2.5 / 8), y: box.height * (1.5 / 8) } });
    expect(await ui.page.getByTestId('gallery-zoom').count()).toBe(0);
    expect(await gallery.getByTestId('neighbour-of').textContent()).toContain(`step ${step}, row 2, column 3`);
    const result = gallery.getByTestId('neighbour-result');
    await result.waitFor({ timeout: 120_000 });
    expect(await gallery.getByTestId('neighbour-error').count()).toBe(0);
    const distances = result.getByTestId('neighbour-distance');
    expect(await distances.count()).toBe(5);
    const values = await distances.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect([...values].sort((a, b) => a - b)).toEqual(values); // nearest first
    expect(await result.locator('canvas').count()).toBe(6); // the sample, then 5 neighbours

    // The analysis is recorded: it matches the artifact the server wrote for that step and cell.
    const id = Number(await result.getAttribute('data-artifact-id'));
    const written = (await ui.api<ArtifactInfo[]>('artifacts.list', { runId: run.id })).find((a) => a.id === id)!;
    expect(written.kind).toBe('neighbours');
    expect(written.meta['distances']).toEqual(values);
    // Searched among the 500 images the run trained on, the ones it could have memorised.
    expect((written.meta['trainIndices'] as number[]).every((i) => i >= 0 && i < 500)).toBe(true);

    // Interpolation between two samples: pick A and B on the grid, then the generator draws the path.
    const interp = ui.page.getByTestId('gan-interpolation');
    const pickGrid = interp.getByTestId('gan-interpolation-grid');
    await expect.poll(async () => pickGrid.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await interp.getByTestId('gan-interpolate').isDisabled()).toBe(true);
    const pb = (await pickGrid.boundingBox())!;
    await pickGrid.click({ position: { x: pb.width * (0.5 / 8), y: pb.height * (0.5 / 8) } }); // cell 0
    await pickGrid.click({ position: { x: pb.width * (7.5 / 8), y: pb.height * (7.5 / 8) } }); // cell 63
    expect(await interp.getByTestId('gan-interpolation-a').textContent()).toContain('#0 ');
    expect(await interp.getByTestId('gan-interpolation-b').textContent()).toContain('#63 ');
    await interp.getByTestId('gan-interpolation-steps').fill('40');
    expect(await interp.getByTestId('gan-interpolation-error-steps').textContent()).toContain('at most 32');
    await interp.getByTestId('gan-interpolation-steps').fill('7');
    await interp.getByTestId('gan-interpolate').click();
    const interpResult = interp.getByTestId('gan-interpolation-result');
    await interpResult.waitFor({ timeout: 120_000 });
    const interpId = Number(await interpResult.getAttribute('data-artifact-id'));
    const interpArt = (await ui.api<ArtifactInfo[]>('artifacts.list', { runId: run.id })).find((a) => a.id === interpId)!;
    expect(interpArt.kind).toBe('interpolation');
    expect(interpArt.meta['cols']).toBe(7);
    expect(interpArt.meta['cells']).toEqual([0, 63]);
    await expect.poll(async () => interpResult.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(7 * 28);
    expect(ui.problems).toEqual([]);
  }, 300_000);
});
