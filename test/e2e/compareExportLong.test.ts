/**
 * The compare view's long-format metrics export in Chromium against serve:
 * two tiny classifier runs (MNIST, 200 training and 100 test images, one
 * epoch) started through the API, their compare view opened by URL, and the
 * downloaded CSV checked against the runs' full-resolution series
 * (runs.metrics): one row per point, in the long format's columns.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Experiment, MetricSeries, RunSummary } from '../../main/common/domain';
import { sweepConfig } from '../helpers/configs';
import { uiSession } from '../helpers/uiSession';

const ui = uiSession();

async function startRun(experimentId: number, name: string, learningRate: number, seed: number): Promise<RunSummary> {
  return ui.api<RunSummary>('runs.start', { experimentId, config: sweepConfig(name, learningRate, seed) });
}

describe('the compare view\'s long-format metrics export', () => {
  it('downloads every point of the chosen metrics as run_id, run_name, key, step, wall_time, value', async () => {
    const { page } = ui;
    const experiment = await ui.api<Experiment>('experiments.create', { name: 'Long export' });
    const a = await startRun(experiment.id, 'lr-0.01', 0.01, 11);
    const b = await startRun(experiment.id, 'lr-0.003', 0.003, 12);
    await ui.waitForDone([a, b]);

    await ui.openRoute(`/#/compare?runs=${a.id},${b.id}&metrics=loss`);
    const loss = page.locator('[data-testid="compare-chart"][data-metric="loss"]');
    await expect.poll(async () => loss.getAttribute('data-series')).toBe('2');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compare-export-long').click()]);
    expect(download.suggestedFilename()).toBe(`compare-runs-${a.id}-${b.id}-metrics.csv`);
    const lines = (await readFile(await download.path(), 'utf8')).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('run_id,run_name,key,step,wall_time,value');

    // The rows are exactly the stored points of the chosen metric, run by run in the legend's order.
    const expected: string[] = [];
    for (const r of [a, b]) {
      const [series] = await ui.api<MetricSeries[]>('runs.metrics', { id: r.id, keys: ['loss'] });
      if (!series) throw new Error(`run ${r.id} has no loss series`);
      expect(series.steps.length).toBeGreaterThan(1);
      series.steps.forEach((step, i) => expected.push(`${r.id},${r.name},loss,${step},${series.wallTimes[i]},${series.values[i]}`));
    }
    expect(lines.slice(1)).toEqual(expected);
    expect(ui.problems).toEqual([]);
  });
});
