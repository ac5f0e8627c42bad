/**
 * A long run's page (issue 17): a classifier run with 6,000 loss points (one a
 * step, falling from 2 to 0.8, a spike of 50 at step 4,321), written straight
 * into the store, opens with its loss chart drawn from the server's thinned
 * series (runs.metrics maxPoints 2,000: 500 buckets of at most four points,
 * the first, last and the spike kept); a wheel zoom on the chart asks for the
 * window again and splices it in; Reset zoom goes back to the thinned series.
 */
import { describe, expect, it } from 'vitest';
import { createServices } from '../../main/services/appServices';
import type { MetricSeries } from '../../main/common/domain';
import { uiSession } from '../helpers/uiSession';
import { sampleRun } from '../unit/db/helpers';

const STEPS = 6000;
let runId = 0;

async function prepare(dataDir: string): Promise<void> {
  const s = createServices({ dataDir, watchOtherProcesses: false });
  const run = s.store.createRun(sampleRun(s.experiments.create('long', '').id, { name: 'long-6000' }));
  runId = run.id;
  const points = Array.from({ length: STEPS }, (_, i) => {
    const step = i + 1;
    return { key: 'loss' as const, step, value: step === 4321 ? 50 : 2 - (1.2 * step) / STEPS, wallTime: 1_700_000_000_000 + step };
  });
  for (let i = 0; i < points.length; i += 256) s.store.appendMetrics(run.id, points.slice(i, i + 256));
  s.store.setRunStatus(run.id, 'done', null);
  await s.close();
}

describe('a long run\'s page', () => {
  const ui = uiSession({ LATENT_BACKEND: 'wasm' }, prepare);

  it('draws the thinned loss, and the zoomed window again from the server', async () => {
    const { page } = ui;
    const [thin] = await ui.api<MetricSeries[]>('runs.metrics', { id: runId, keys: ['loss'], maxPoints: 2000 });
    expect(thin?.totalPoints).toBe(STEPS);
    expect(thin!.steps.length).toBeLessThanOrEqual(2000);
    expect([thin!.steps[0], thin!.steps.at(-1)]).toEqual([1, STEPS]);
    expect(thin!.values[thin!.steps.indexOf(4321)]).toBe(50);

    await ui.openRoute(`/#/runs/${runId}`);
    const chart = page.getByTestId('loss-chart');
    await expect.poll(async () => chart.getAttribute('data-thinned'), { timeout: 30_000 }).toBe('1');
    expect(Number(await chart.getAttribute('data-points'))).toBe(thin!.steps.length);

    const canvas = chart.locator('canvas').first();
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the loss chart has no box');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    // Wheel in until the window spans fewer than 1,500 steps (each notch narrows it by a share).
    const span = async (): Promise<number> => {
      const [a, b] = ((await chart.getAttribute('data-zoom')) || `0,${STEPS}`).split(',').map(Number) as [number, number];
      return b - a;
    };
    for (let i = 0; i < 60 && await span() >= 1500; i++) {
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(30);
    }
    expect(await span()).toBeLessThan(1500);
    await expect.poll(async () => chart.getAttribute('data-zoom-loaded'), { timeout: 10_000 }).toBe('1');
    const [min, max] = ((await chart.getAttribute('data-zoom')) ?? '').split(',').map(Number) as [number, number];
    // The window at full resolution (it holds fewer than 2,000 steps), one point beyond each edge.
    const [window] = await ui.api<MetricSeries[]>('runs.metrics', { id: runId, keys: ['loss'], maxPoints: 2000, range: { min, max } });
    expect(window?.totalPoints).toBeUndefined();
    const inside = (s: number): boolean => s >= window!.steps[0]! && s <= window!.steps.at(-1)!;
    const outside = thin!.steps.filter((s) => !inside(s)).length;
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(outside + window!.steps.length);

    await page.getByTestId('chart-zoom-reset').click();
    await expect.poll(async () => chart.getAttribute('data-zoom-loaded')).toBe('0');
    expect(Number(await chart.getAttribute('data-points'))).toBe(thin!.steps.length);
    expect(ui.problems).toEqual([]);
  });
});
