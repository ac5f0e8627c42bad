/** On-demand analyses over a real store with a fake host: which runs may have which analysis (from the descriptors), and what is recorded. */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import type { ArtifactInfo } from '../../../main/common/domain';
import { AnalysisService, analysisRefusal } from '../../../main/services/analysisService';
import { DatasetService } from '../../../main/services/datasetService';
import { EventBus } from '../../../main/services/eventBus';
import { SettingsService } from '../../../main/services/settingsService';
import { runConfigSchema, type RunConfigInput } from '../../../workers/common/families/registry';
import type { AnalysisRequest } from '../../../workers/common/gallery';
import type { AnalyzeMessage } from '../../../workers/common/protocol';
import { removeTempDirs, sampleGraph, sampleRun, tempDir } from '../db/helpers';
import { fakeLauncher, type FakeHost } from './fakeHost';

let store: Store;
let dataDir: string;
let hosts: FakeHost[];
let analysis: AnalysisService;
let added: ArtifactInfo[];

beforeEach(() => {
  dataDir = tempDir();
  store = openStore(path.join(dataDir, 'workbench.sqlite'));
  const events = new EventBus();
  added = [];
  events.on('artifacts.onDidAdd', (a) => added.push(a));
  const settings = new SettingsService(store, {});
  settings.update({ backend: 'cpu' });
  const fake = fakeLauncher();
  hosts = fake.hosts;
  analysis = new AnalysisService(store, events, settings, new DatasetService(store, dataDir), dataDir, fake.launch);
});

afterEach(() => {
  store.close();
  removeTempDirs();
});

/** A finished run of `config`, with a checkpoint and a samples grid unless told otherwise. */
function run(config: RunConfigInput, o: { datasetId?: string; artifacts?: boolean } = {}): number {
  const parsed = runConfigSchema.parse(config);
  const r = store.createRun(sampleRun(store.ensureExperiment('Default').id, { family: parsed.family, config: parsed, architecture: sampleGraph(), datasetId: o.datasetId ?? 'mnist' }));
  store.setRunStatus(r.id, 'done', null, 1);
  if (o.artifacts !== false) {
    store.addArtifact(r.id, 'checkpoint', 40, path.join('runs', String(r.id), 'checkpoints', 'epoch-0002'), { epoch: 2, step: 40 });
    store.addArtifact(r.id, 'samples', 40, path.join('runs', String(r.id), 'samples-40.png'), { rows: 8, cols: 8 });
  }
  return r.id;
}

/** The next host launched answers with one artifact (or a failure) and goes. */
async function answered(p: Promise<ArtifactInfo>, answer: 'sample' | 'failed' = 'sample'): Promise<{ result: Promise<ArtifactInfo>; message: AnalyzeMessage }> {
  await Promise.resolve();
  const h = hosts.at(-1)!;
  const message = h.sent[0] as AnalyzeMessage;
  if (answer === 'sample') h.emit({ type: 'sample', kind: 'interpolation', step: message.step, path: path.join(message.runDir, 'interp.png'), meta: { rows: 1, cols: 8 } }, { type: 'done', final: {} });
  else h.emit({ type: 'failed', error: 'The checkpoint is unreadable' });
  h.exit({ code: 0 });
  return { result: p, message };
}

describe('analysis refusals come from the descriptors', () => {
  it('names what the analysis is for, the families that have it and the run\'s family', () => {
    expect(analysisRefusal('nearest-neighbours', 3, 'classifier')).toBe('Nearest training neighbours are for generated samples, of autoencoder, variational autoencoder or GAN runs; run 3 is a classifier run');
    expect(analysisRefusal('latent-interpolation', 4, 'vae')).toBe('Interpolating between samples is for GAN runs; run 4 is a variational autoencoder run');
    expect(analysisRefusal('interpolation', 5, 'gan')).toBe('Latent interpolation is for autoencoder, variational autoencoder or PCA baseline runs; run 5 is a GAN run');
    expect(analysisRefusal('arithmetic', 6, 'pca')).toBe('Latent arithmetic is for autoencoder or variational autoencoder runs; run 6 is a PCA baseline run');
    expect(analysisRefusal('latent-scatter', 7, 'autoencoder')).toMatch(/^A latent scatter is for autoencoder, variational autoencoder or PCA baseline runs; run 7 is an autoencoder run$/);
  });

  it('refuses an analysis the run\'s family does not list, before starting anything', async () => {
    const clf = run({ family: 'classifier' });
    const vae = run({ family: 'vae' });
    const gan = run({ family: 'gan' });
    await expect(analysis.analyze(clf, { kind: 'nearest-neighbours', step: 40, cell: 0, count: 4 })).rejects.toMatchObject({ code: 'bad-request', message: analysisRefusal('nearest-neighbours', clf, 'classifier') });
    await expect(analysis.analyze(vae, { kind: 'latent-interpolation', a: 0, b: 1, steps: 4, path: 'slerp' })).rejects.toThrow(/for GAN runs/);
    await expect(analysis.analyze(gan, { kind: 'arithmetic', a: 1, b: 2, c: 3 })).rejects.toThrow(/for autoencoder or variational autoencoder runs; run \d+ is a GAN run/);
    expect(hosts).toEqual([]);
  });
});

describe('AnalysisService with a fake host', () => {
  it('sends the run, its checkpoint and dataset, and records the artifact with the request', async () => {
    const vae = run({ family: 'vae' });
    const request = { kind: 'interpolation', a: 1, b: 2, steps: 8 } as const;
    const { result, message } = await answered(analysis.analyze(vae, request));
    expect(message).toMatchObject({
      type: 'analyze', runId: vae, request, step: 40, backend: 'cpu', runDir: path.join(dataDir, 'runs', String(vae)),
      checkpoint: { dir: path.join(dataDir, 'runs', String(vae), 'checkpoints', 'epoch-0002'), epoch: 2, step: 40 },
      datasetEntry: { id: 'mnist' },
    });
    const info = await result;
    expect(info).toMatchObject({ runId: vae, kind: 'interpolation', step: 40, mime: 'image/png', meta: { rows: 1, cols: 8, analysis: request } });
    expect(store.listArtifacts(vae, 'interpolation')).toMatchObject([{ id: info.id, path: path.join('runs', String(vae), 'interp.png') }]);
    expect(added).toEqual([info]);
  });

  it('reports the worker\'s failure and records nothing', async () => {
    const vae = run({ family: 'vae' });
    const { result } = await answered(analysis.analyze(vae, { kind: 'latent-scatter', method: 'pca', count: 100 }), 'failed');
    await expect(result).rejects.toMatchObject({ code: 'bad-request', message: 'The checkpoint is unreadable' });
    expect(store.listArtifacts(vae, 'latent-scatter')).toEqual([]);
  });

  it('a run on its own data (a GAN\'s 2-D toy) needs no dataset; any other run needs its dataset', async () => {
    const toy = run({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', evalSamples: 0 } }, { datasetId: 'gone' });
    const { result, message } = await answered(analysis.analyze(toy, { kind: 'latent-interpolation', a: 0, b: 3, steps: 4, path: 'linear' }));
    expect(message.datasetEntry).toBeUndefined();
    expect(message.source).toMatchObject({ path: path.join(dataDir, 'runs', String(toy), 'samples-40.png') });
    await expect(result).resolves.toMatchObject({ kind: 'interpolation' });

    const gan = run({ family: 'gan' }, { datasetId: 'gone' });
    await expect(analysis.analyze(gan, { kind: 'latent-interpolation', a: 0, b: 3, steps: 4, path: 'linear' })).rejects.toThrow(/trained on dataset "gone", which has been removed: analyses need its images/);
  });

  it('needs a checkpoint for model analyses and the samples grid for neighbours', async () => {
    const vae = run({ family: 'vae' }, { artifacts: false });
    await expect(analysis.analyze(vae, { kind: 'arithmetic', a: 1, b: 2, c: 3 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/has no checkpoint yet/) as unknown });
    await expect(analysis.analyze(vae, { kind: 'nearest-neighbours', step: 40, cell: 0, count: 4 })).rejects.toMatchObject({ code: 'not-found' });
    expect(hosts).toEqual([]);
  });

  it('analyses a finished PCA run from its run folder, with no checkpoint, at the fit\'s step 1; an unfinished one is refused', async () => {
    const pca = run({ family: 'pca', hyper: { components: 4 } }, { artifacts: false });
    const request: AnalysisRequest = { kind: 'traversal', components: [1, 2], range: 2, steps: 5 };
    const { result, message } = await answered(analysis.analyze(pca, request));
    expect(message).toMatchObject({ type: 'analyze', runId: pca, request, step: 1, runDir: path.join(dataDir, 'runs', String(pca)) });
    expect(message.checkpoint).toBeUndefined();
    await expect(result).resolves.toMatchObject({ runId: pca, step: 1 });

    store.setRunStatus(pca, 'running');
    await expect(analysis.analyze(pca, request)).rejects.toMatchObject({ code: 'conflict', message: `Run ${pca} is running: its analyses use the components the fit wrote, which a finished run has` });
    expect(hosts).toHaveLength(1);
  });
});
