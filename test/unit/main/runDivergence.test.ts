/**
 * The divergence flag where only summaries are at hand (the runs table, the
 * CLI's `runs`): the services put each finished classifier run's first epoch
 * loss in its summary (firstLoss, from the store's firstValues on a real
 * SQLite file), so a run whose loss ended far above its start reads
 * "done · diverged" there too, and one that learnt reads "done".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../../main/cli/runCommands';
import { createServices } from '../../../main/services/appServices';
import type { MetricPoint } from '../../../workers/common/protocol';
import { sampleRun } from '../db/helpers';
import { tempDir } from '../../helpers/tempDir';

const s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false });
afterAll(async () => { await s.close(); });

const epochs = (key: MetricPoint['key'], values: readonly number[]): MetricPoint[] => values.map((value, i) => ({ key, step: (i + 1) * 10, value, wallTime: 1_000 + i }));

/** A finished classifier run with these epoch losses and a final test accuracy of 0.9 (well above chance). */
function finishedRun(name: string, losses: readonly number[]): number {
  const id = s.store.createRun(sampleRun(s.store.ensureExperiment('E').id, { name })).id;
  s.store.appendMetrics(id, [...epochs('epoch_loss', losses), ...epochs('test_accuracy', losses.map(() => 0.9))]);
  s.store.setRunStatus(id, 'done', null, 2_000);
  return id;
}

describe('a diverged run in the runs listing', () => {
  it('carries the first epoch loss in its summary and reads "done · diverged" when the loss ended above 1.5× it', () => {
    const rose = finishedRun('rose', [0.5, 0.6, 0.8]);
    const fell = finishedRun('fell', [0.5, 0.3, 0.2]);
    const byId = new Map(s.runs.list({}).map((r) => [r.id, r]));
    expect(byId.get(rose)!.firstLoss).toBe(0.5);
    expect(byId.get(fell)!.firstLoss).toBe(0.5);

    let text = '';
    const out = { write: (chunk: string) => { text += chunk; return true; } } as unknown as NodeJS.WritableStream;
    expect(listRuns(s, { json: false }, out)).toBe(0);
    const line = (name: string): string => text.split('\n').find((l) => l.includes(` ${name} `)) ?? '';
    // 0.8 > 1.5 × 0.5: flagged; 0.2 < 0.5: not.
    expect(line('rose')).toContain('done · diverged');
    expect(line('fell')).toMatch(/ done /);
    expect(line('fell')).not.toContain('diverged');
  });

  it('gives no first loss to a run that has not finished', () => {
    const id = s.store.createRun(sampleRun(s.store.ensureExperiment('E').id, { name: 'queued' })).id;
    s.store.appendMetrics(id, epochs('epoch_loss', [0.5]));
    expect(s.runs.summary(id).firstLoss).toBeUndefined();
  });
});
