/**
 * Reproducing a run (runs.reproduce): the reproduction of a trained classifier
 * gets the origin's config, seed, architecture and dataset hash, links to it,
 * learns, and on wasm ends with the very same metrics, point for point
 * (training is deterministic per seed and backend). Then the CLI as a user
 * runs it: `runs reproduce` trains another copy and prints its id, `runs diff`
 * names the layer two runs' architectures differ in.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { classifierTemplates } from '../../workers/common/families/classifier/templates';
import { mlpConfig } from '../helpers/configs';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
const dataDir = tempDir();
let s: AppServices;
let experimentId: number;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.experiments.create('reproduce', 'runs and their reproductions').id;
});
afterAll(async () => { await s.close(); });

describe('runs.reproduce on a trained classifier', () => {
  let originId = 0;

  it('an MLP, seed 11, wasm, one epoch on 600 MNIST images, reproduced: same config, seed, architecture and dataset hash, ≥ 50 % test accuracy, and bit-identical metrics', async () => {
    const origin = s.runs.start(experimentId, mlpConfig({ epochs: 1, batchSize: 32, learningRate: 0.003, validationSplit: 0, seed: 11 }, { trainSize: 600, testSize: 300 }));
    originId = origin.id;
    await expect(s.runs.waitForEnd(origin.id)).resolves.toBe('done');
    const copy = s.runs.reproduce(origin.id);
    expect(copy.originRunId).toBe(origin.id);
    await expect(s.runs.waitForEnd(copy.id)).resolves.toBe('done');

    const [a, b] = [s.runs.detail(origin.id), s.runs.detail(copy.id)];
    expect(b.config).toEqual(a.config);
    expect(b.seed).toBe(11);
    expect(b.architecture).toEqual(a.architecture);
    expect([b.architectureId, b.architectureVersion]).toEqual([a.architectureId, a.architectureVersion]);
    expect(b.datasetHash).toBe(a.datasetHash);
    expect(b.experimentId).toBe(a.experimentId);
    expect(a.reproductionIds).toEqual([copy.id]);
    expect(b.latest['test_accuracy']).toBeGreaterThanOrEqual(0.5);
    // Deterministic per seed on wasm: the same final values and the same curve, bit for bit.
    expect(b.latest).toEqual(a.latest);
    const values = (id: number) => s.runs.metrics(id).map((m) => ({ key: m.key, steps: m.steps, values: m.values }));
    expect(values(copy.id)).toEqual(values(origin.id));
  });

  it('the CLI reproduces a run (printing the new id) and diffs two runs\' architectures', async () => {
    expect(originId).toBeGreaterThan(0);
    const wide = structuredClone(classifierTemplates.mlp);
    wide.name = 'MLP 784-64-10';
    wide.nodes.find((n) => n.id === 'hidden')!.params = { units: 64, activation: 'relu' };
    const other = s.runs.start(experimentId, mlpConfig({ epochs: 1, seed: 11 }, { trainSize: 100, testSize: 100 }));
    await s.runs.waitForEnd(other.id);
    const narrow = s.runs.start(experimentId, { ...mlpConfig({ epochs: 1, seed: 11 }, { trainSize: 100, testSize: 100 }), architecture: { graph: wide } });
    await s.runs.waitForEnd(narrow.id);

    const env = { ...process.env, LATENT_BACKEND: 'wasm' };
    const r = spawnSync(process.execPath, [cli, 'runs', 'reproduce', String(originId), '--data', dataDir], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const id = Number(/^Run (\d+) \(.*\) reproduces run (\d+)$/m.exec(r.stdout)?.[1]);
    expect(s.runs.detail(id)).toMatchObject({ originRunId: originId, status: 'done', seed: 11 });
    expect(s.runs.detail(id).latest).toEqual(s.runs.detail(originId).latest);

    const d = spawnSync(process.execPath, [cli, 'runs', 'diff', String(other.id), String(narrow.id), '--data', dataDir], { env, encoding: 'utf8' });
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toContain('~ changed hidden (dense): units 128 → 64');
    const bad = spawnSync(process.execPath, [cli, 'runs', 'reproduce', '9999', '--data', dataDir], { env, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('Run 9999 does not exist');
  });
});
