/**
 * The native backends' path: every run in a fresh child process. tfjs-node
 * cannot be installed here, so this drives the same process hosts with the
 * wasm backend: several runs in a row, and a run whose process is killed,
 * must not break the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { mlpConfig } from '../helpers/configs';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;
let experimentId: number;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm', LATENT_HOST: 'process' } });
  experimentId = s.experiments.create('process hosts', '').id;
});
afterAll(async () => { await s.close(); });

describe('child-process training hosts', () => {
  it('survive a killed run and train several runs in a row', async () => {
    const doomed = s.runs.start(experimentId, mlpConfig({ epochs: 3, batchSize: 8 }, { trainSize: 20000, testSize: 200 }));
    await new Promise<void>((resolve) => {
      const off = s.events.on('runs.onDidLogMetrics', (m) => { if (m.runId === doomed.id) { off(); resolve(); } });
    });
    expect(s.runs.killHost(doomed.id)).toBe(true);
    await expect(s.runs.waitForEnd(doomed.id)).resolves.toBe('failed');
    expect(s.runs.detail(doomed.id).error).toMatch(/stopped unexpectedly \(signal SIGKILL\)/);

    for (let i = 0; i < 3; i++) {
      const run = s.runs.start(experimentId, mlpConfig({ epochs: 1, seed: 10 + i }, { trainSize: 500, testSize: 200 }));
      await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
      expect(s.runs.logs(run.id).map((l) => l.message).join('\n')).toContain('child process');
    }
  });
});
