/**
 * What the families' run-page components decide from a run (their pure
 * parts: the components themselves take one `panel` prop built from these):
 * a GAN's toy and mode collapse, a VAE's latent size and posterior collapse,
 * whether a run has a model to analyse.
 */
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo, RunDetail, RunSummary } from '../../../main/common/domain';
import { runConfigSchema } from '../../../workers/common/families/registry';
import { runSummary } from '../../helpers/runFixtures';
import { hasModel, modelSource, type RunMetrics, type RunPanelProps } from '../../../renderer/families/runPanels';
import { isToyRun, runToy } from '../../../renderer/families/gan/ganRun';
import { runModeCollapse } from '../../../renderer/families/gan/modeCollapse';
import { runCollapseStatus, vaeLatentDim } from '../../../renderer/families/vae/diagnostics';

const summary = (family: RunSummary['family'], over: Partial<RunSummary> = {}): RunSummary =>
  runSummary({ name: 'r', family, status: 'running', backend: 'cpu', seed: 42, createdAt: 0, startedAt: 0, endedAt: null, ...over });
const detail = (run: RunSummary, config: unknown, checkpoint: RunDetail['checkpoint'] = null): RunDetail => ({
  ...run, config: runConfigSchema.parse(config), architecture: { format: 'latent-graph', version: 1, name: 'a', nodes: [], edges: [] },
  architectureId: null, architectureVersion: null, datasetHash: '', appVersion: '', checkpoint, resumable: false, reproductionIds: [],
});
const metrics = (series: Record<string, number[]> = {}, latest: Record<string, number> = {}): RunMetrics => ({
  version: 0,
  keys: Object.keys(series),
  latest: (key) => latest[key] ?? series[key]?.at(-1),
  series: (key) => (series[key] ? { steps: series[key].map((_, i) => i * 100), values: series[key] } as ReturnType<RunMetrics['series']> : undefined),
});
const panel = (run: RunSummary, more: Partial<RunPanelProps> = {}): RunPanelProps => ({ run, detail: undefined, artifacts: [], metrics: metrics(), ...more });
const histogram = (numClasses: number): ArtifactInfo => ({ id: 1, runId: 1, kind: 'class-histogram', step: 0, meta: { numClasses }, createdAt: 0, mime: 'application/json' });

describe('GAN run panels', () => {
  it('knows a toy run from its params, or from its config once loaded', () => {
    expect(isToyRun(panel(summary('gan')))).toBe(false);
    expect(runToy(panel(summary('gan', { params: { toy: 'ring8' } })))).toBe('ring8');
    const run = summary('gan');
    expect(isToyRun({ run, detail: detail(run, { family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'grid25' } }) })).toBe(true);
  });

  it('measures mode collapse against the toy’s modes, or the classes of the newest class histogram', () => {
    const toy = panel(summary('gan', { params: { toy: 'ring8' } }), { metrics: metrics({ modes_covered: [0, 8, 5] }) });
    expect(runModeCollapse(toy)).toMatchObject({ unit: 'modes', total: 8, latest: 5, collapsed: true });
    const images = panel(summary('gan'), { metrics: metrics({ classes_present: [2, 7] }) });
    expect(runModeCollapse(images)).toMatchObject({ unit: 'classes', total: 10, collapsed: true });
    expect(runModeCollapse({ ...images, artifacts: [histogram(8)] })).toMatchObject({ total: 8, collapsed: false });
    expect(runModeCollapse(panel(summary('gan')))).toBeNull();
    // Few confident samples (the generator draws nothing recognisable yet): low coverage is not called a collapse; a drop still is.
    const young = panel(summary('gan'), { metrics: metrics({ classes_present: [0, 1, 2], confident_share: [0, 0.02, 0.05] }) });
    expect(runModeCollapse(young)).toMatchObject({ collapsed: false, unrecognisable: true });
    const dropped = panel(summary('gan'), { metrics: metrics({ classes_present: [0, 6, 2], confident_share: [0, 0.3, 0.1] }) });
    expect(runModeCollapse(dropped)).toMatchObject({ dropped: true, collapsed: true });
    const sure = panel(summary('gan'), { metrics: metrics({ classes_present: [0, 4, 5], confident_share: [0, 0.5, 0.6] }) });
    expect(runModeCollapse(sure)).toMatchObject({ low: true, collapsed: true });
  });
});

describe('VAE run panels', () => {
  it('reads the latent size from the params, else the config, and flags posterior collapse', () => {
    expect(vaeLatentDim(panel(summary('vae', { params: { latentDim: 16 } })))).toBe(16);
    const run = summary('vae');
    expect(vaeLatentDim({ run, detail: detail(run, { family: 'vae', hyper: { latentDim: 8 } }) })).toBe(8);
    expect(vaeLatentDim(panel(run))).toBeUndefined();
    const p = panel(summary('vae', { params: { latentDim: 16 } }), { metrics: metrics({}, { active_units: 3 }) });
    expect(runCollapseStatus(p)).toEqual({ latentDim: 16, activeUnits: 3, threshold: 4, collapsed: true });
  });
});

describe('shared run-panel helpers', () => {
  it('has a model to analyse once the run is done or wrote a checkpoint', () => {
    const run = summary('autoencoder');
    expect(hasModel(panel(run))).toBe(false);
    expect(hasModel({ run, detail: detail(run, { family: 'autoencoder' }, { epoch: 1, step: 10 }) })).toBe(true);
    expect(hasModel(panel({ ...run, status: 'done' }))).toBe(true);
    expect(modelSource(panel({ ...run, status: 'done' }))).toBe('final model');
    expect(modelSource(panel(run))).toBe('last checkpoint');
  });
});
