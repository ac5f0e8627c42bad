/**
 * On-demand analyses of a trained encoder/decoder run (interpolation, latent
 * arithmetic, a projected latent scatter): a training host started in
 * analysis mode loads the run's last checkpoint, writes the artifact, and
 * the result is recorded like any other artifact.
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
import type { SettingsService } from './settingsService';
import { launchHost } from './trainingHost';

export class AnalysisService {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly settings: SettingsService,
    private readonly dataDir: string,
  ) {}

  async analyze(runId: number, request: AnalysisRequest): Promise<ArtifactInfo> {
    const run = this.store.getRun(runId);
    if (!run) throw new ApiError('not-found', `Run ${runId} does not exist`);
    if (run.config.family !== 'vae' && run.config.family !== 'autoencoder') {
      throw new ApiError('bad-request', `Latent analyses need an autoencoder or VAE run; run ${runId} is a ${run.config.family} run`);
    }
    const ckpt = this.store.latestCheckpoint(runId);
    if (!ckpt) throw new ApiError('conflict', `Run ${runId} has no checkpoint yet: analyses use the model saved at the end of an epoch`);
    const backend = this.settings.get().backend;
    const message: AnalyzeMessage = {
      type: 'analyze',
      runId,
      config: run.config,
      architecture: run.architecture,
      backend,
      runDir: path.join(this.dataDir, 'runs', String(runId)),
      checkpoint: { dir: path.resolve(this.dataDir, ckpt.dir), epoch: ckpt.epoch, step: ckpt.step },
      request,
      step: ckpt.step,
    };
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
