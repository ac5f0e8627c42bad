/**
 * Ready experiments through the validated API over the real services and a
 * real SQLite file: the parity preset is listed, a launch makes a new
 * experiment with its two saved views and queues its 24 runs (each a
 * sequence run on parity with its cell, length, forget bias and seed as
 * params), a second launch gets a numbered name, the views' filters keep
 * the runs they are for, and an unknown preset is refused by name.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import { tempDir } from '../helpers/tempDir';

const dataDir = tempDir();
let s: AppServices;

beforeAll(() => {
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  // Queue only: the runs' training is the training tier's business.
  s.settings.update({ maxConcurrentRuns: 1 });
});
afterAll(async () => {
  await s.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<{ ok: true; result: ApiResponse<M> } | { ok: false; error: { code: string; message: string } }> {
  return await dispatch(s.handlers, method, req) as never;
}

describe('ready experiments', () => {
  it('lists the parity preset and launches it: an experiment, two views, 24 queued runs with their params', async () => {
    const list = await call('presets.list', {});
    expect(list.ok && list.result.map((p) => [p.id, p.family, p.runs])).toEqual([['parity-cells', 'sequence', 24]]);
    const r = await call('presets.launch', { id: 'parity-cells' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.experiment).toBe('Parity: which cells solve which lengths');
    expect(r.result.runIds).toHaveLength(24);
    const views = s.views.list(r.result.experimentId);
    expect(views.map((v) => v.name).sort()).toEqual(['Cells × lengths', 'LSTM forget bias 0 vs 1']);
    const cells = views.find((v) => v.id === r.result.viewId)!;
    expect(cells.state.table.groupBy).toEqual(['params.cell', 'params.length']);
    expect(cells.state.compare).toMatchObject({ group: 'param:cell', sx: 'params.length', sy: 'metrics.test_accuracy.best' });
    const runs = s.runs.list({ experimentId: r.result.experimentId });
    const keys = runs.map((x) => `${x.params['cell']}/${x.params['length']}/${x.params['unitForgetBias']}/${x.seed}`).sort();
    expect(new Set(keys).size).toBe(24);
    expect(runs.every((x) => x.family === 'sequence' && x.params['task'] === 'parity' && x.params['minLength'] === 1)).toBe(true);
    // Each view's filter keeps the runs it compares: 18 with forget bias 1 (or no LSTM), 12 LSTM runs.
    const kept = (filter: string) => s.runs.list({ experimentId: r.result.experimentId, filter }).length;
    expect(kept(cells.state.filter)).toBe(18);
    expect(kept(views.find((v) => v.name.startsWith('LSTM'))!.state.filter)).toBe(12);
  });

  it('names a second launch apart, and refuses an unknown preset naming the known ones', async () => {
    const again = await call('presets.launch', { id: 'parity-cells' });
    expect(again.ok && again.result.experiment).toBe('Parity: which cells solve which lengths (2)');
    const bad = await call('presets.launch', { id: 'parity-cell' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toBe("There is no ready experiment 'parity-cell'. Ready experiments: parity-cells");
  });
});
