/**
 * On-demand analyses: of a trained encoder/decoder run (interpolation, latent
 * arithmetic, a projected latent scatter), where a training host started in
 * analysis mode loads the run's last checkpoint; and of any run's logged
 * samples grid (the nearest training images of one sample). The worker
 * writes the artifact and it is recorded like any other.
 */
import * as path from 'node:path';
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { ArtifactInfo } from '../common/domain';
import type { AnalysisRequest } from '../../workers/common/gallery';
import type { AnalyzeMessage, SampleMessage } from '../../workers/common/protocol';
import { toArtifactInfo } from './artifactService';
import { expectedBackend, isNative } from './backendProbe';
import type { EventBus } from './eventBus';
import type { DatasetService } from './datasetService';
import type { SettingsService } from './settingsService';
import { launchHost } from './trainingHost';

export class AnalysisService {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly settings: SettingsService,
    private readonly datasets: DatasetService,
    private readonly dataDir: string,
  ) {}

  async analyze(runId: number, request: AnalysisRequest): Promise<ArtifactInfo> {
    const run = this.store.getRun(runId);
    if (!run) throw new ApiError('not-found', `Run ${runId} does not exist`);
    const runDir = path.join(this.dataDir, 'runs', String(runId));
    const backend = this.settings.get().backend;
    const toy = run.config.family === 'gan' && run.config.hyper.toy !== undefined;
    const datasetEntry = toy ? undefined : this.datasets.find(run.datasetId);
    if (!toy && !datasetEntry) {
      throw new ApiError('conflict', `Run ${runId} trained on dataset "${run.datasetId}", which has been removed: analyses need its images`);
    }
    const base = {
      type: 'analyze' as const, runId, config: run.config, architecture: run.architecture, backend, runDir, request,
      ...(datasetEntry ? { datasetEntry } : {}),
    };
    let message: AnalyzeMessage;
    if (request.kind === 'nearest-neighbours') {
      if (run.config.family === 'pca' || run.config.family === 'classifier') {
        throw new ApiError('bad-request', `Nearest training neighbours are for generated samples; run ${runId} is a ${run.config.family} run`);
      }
      const grid = this.store.listArtifacts(runId, 'samples').find((a) => a.step === request.step);
      if (!grid) throw new ApiError('not-found', `Run ${runId} has no samples grid at step ${request.step}`);
      message = { ...base, step: request.step, source: { path: path.resolve(this.dataDir, grid.path), meta: grid.meta } };
    } else if (request.kind === 'latent-interpolation') {
      if (run.config.family !== 'gan') throw new ApiError('bad-request', `Interpolating between samples is for GAN runs; run ${runId} is a ${run.config.family} run`);
      const ckpt = this.store.latestCheckpoint(runId);
      if (!ckpt) throw new ApiError('conflict', `Run ${runId} has no checkpoint yet: the interpolation uses the generator saved at the end of an epoch`);
      // Every samples grid of a run draws the same fixed noise: any one gives the cells' z.
      const grid = this.store.listArtifacts(runId, 'samples').at(-1);
      if (!grid) throw new ApiError('conflict', `Run ${runId} has no samples grid yet`);
      message = {
        ...base, step: ckpt.step,
        checkpoint: { dir: path.resolve(this.dataDir, ckpt.dir), epoch: ckpt.epoch, step: ckpt.step },
        source: { path: path.resolve(this.dataDir, grid.path), meta: grid.meta },
      };
    } else {
      if (run.config.family !== 'vae' && run.config.family !== 'autoencoder') {
        throw new ApiError('bad-request', `Latent analyses need an autoencoder or VAE run; run ${runId} is a ${run.config.family} run`);
      }
      const ckpt = this.store.latestCheckpoint(runId);
      if (!ckpt) throw new ApiError('conflict', `Run ${runId} has no checkpoint yet: analyses use the model saved at the end of an epoch`);
      message = { ...base, checkpoint: { dir: path.resolve(this.dataDir, ckpt.dir), epoch: ckpt.epoch, step: ckpt.step }, step: ckpt.step };
    }
    const host = launchHost(isNative(expectedBackend(backend)) ? 'process' : 'thread');
    const sample = await new Promise<SampleMessage>((resolve, reject) => {
      let got: SampleMessage | undefined;
      let error: string | undefined;
      host.onMessage((m) => {
        if (m.type === 'sample') got = m;
        else if (m.type === 'failed') error = m.error;
      });
      host.onExit((exit) => {
        if (got) resolve(got);
        else reject(new ApiError('bad-request', error ?? `The analysis worker stopped without a result (${exit.error?.message ?? `exit code ${String(exit.code)}`})`));
      });
      host.send(message);
    });
    const artifact = this.store.addArtifact(runId, sample.kind, sample.step, path.relative(this.dataDir, sample.path), { ...(sample.meta ?? {}), analysis: request });
    const info = toArtifactInfo(artifact);
    this.events.emit('artifacts.onDidAdd', info);
    return info;
  }
}
