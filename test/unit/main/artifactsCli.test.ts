/**
 * The CLI's `artifacts RUN`, `show RUN --json` and `runs reevaluate RUN`
 * through the real services and SQLite store: a GAN run's records point at
 * files the test writes under the data directory (as a run's worker would);
 * the re-evaluation's host is a fake that answers as the worker does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactsCommand, formatArtifacts, metaSummary } from '../../../main/cli/artifactCommands';
import { CliError, showRun } from '../../../main/cli/commands';
import { runsCommand } from '../../../main/cli/runCommands';
import { AnalysisService } from '../../../main/services/analysisService';
import { createServices, type AppServices } from '../../../main/services/appServices';
import type { ArtifactOnDisk } from '../../../main/services/artifactService';
import { runConfigSchema } from '../../../workers/common/families/registry';
import type { ReevaluationData } from '../../../workers/common/gallery';
import type { AnalyzeMessage } from '../../../workers/common/protocol';
import { removeTempDirs, sampleModel, sampleRun, tempDir } from '../db/helpers';
import { fakeLauncher, type FakeHost } from './fakeHost';

let s: AppServices;
let runId: number;

function capture(): { out: NodeJS.WritableStream; text: () => string } {
  let text = '';
  return { out: { write: (c: string) => { text += c; return true; } } as unknown as NodeJS.WritableStream, text: () => text };
}

/** Writes a file (or a checkpoint folder) under the run's folder and records it, as the run session does with a worker's path. */
function recordArtifact(kind: string, step: number, rel: string, meta: Record<string, unknown>, write = true): void {
  const abs = path.join(s.dataDir, 'runs', String(runId), rel);
  if (write) {
    fs.mkdirSync(kind === 'scored-generator' ? abs : path.dirname(abs), { recursive: true });
    if (kind === 'scored-generator') fs.writeFileSync(path.join(abs, 'manifest.json'), '{}\n');
    else fs.writeFileSync(abs, 'x');
  }
  s.store.addArtifact(runId, kind, step, path.relative(s.dataDir, abs), meta);
}

const scores = (fd: number): Record<string, number> => ({ classes_present: 9, class_kl: 0.05, inception_score: 7.5, frechet_distance: fd });

beforeEach(() => {
  s = createServices({ dataDir: tempDir(), env: {} });
  const config = runConfigSchema.parse({ family: 'gan', architecture: { template: 'mlp' }, hyper: { epochs: 1, evalSamples: 100 } });
  runId = s.store.createRun(sampleRun(s.store.ensureExperiment('Default').id, { family: 'gan', config, architecture: sampleModel('g', 'gan') })).id;
  s.store.setRunStatus(runId, 'done', null, 1);
  recordArtifact('samples', 0, 'gallery/samples/step-0000000.png', { rows: 8, cols: 8, epoch: 0 });
  recordArtifact('scored-generator', 0, 'scored/step-0000000', { step: 0, epoch: 0, samples: 100, scores: scores(80.5) });
  recordArtifact('scored-generator', 4, 'scored/step-0000004', { step: 4, epoch: 1, samples: 100, scores: scores(40.25) });
  recordArtifact('checkpoint', 4, 'checkpoints/epoch-0001', { epoch: 1, step: 4 }, false);
});

afterEach(async () => {
  await s.close();
  removeTempDirs();
});

describe('artifacts RUN', () => {
  it('--json lists every artifact with its absolute path, whether it is there, and its meta', () => {
    const c = capture();
    expect(artifactsCommand(s, [String(runId)], { json: true }, c.out, 'usage')).toBe(0);
    const list = JSON.parse(c.text()) as ArtifactOnDisk[];
    expect(list.map((a) => [a.kind, a.step])).toEqual([['samples', 0], ['scored-generator', 0], ['scored-generator', 4], ['checkpoint', 4]]);
    for (const a of list) expect(path.isAbsolute(a.path)).toBe(true);
    expect(list.map((a) => a.exists)).toEqual([true, true, true, false]);
    expect(list.filter((a) => a.exists).every((a) => fs.existsSync(a.path))).toBe(true);
    expect(list[2]!.path).toBe(path.join(s.dataDir, 'runs', String(runId), 'scored', 'step-0000004'));
    expect(list[2]!.meta).toEqual({ step: 4, epoch: 1, samples: 100, scores: scores(40.25) });
    expect(list[2]!.mime).toBe('inode/directory');
  });

  it('--kind keeps one kind; the table shows paths under the data directory and marks a missing one', () => {
    const c = capture();
    artifactsCommand(s, [String(runId)], { json: false, kind: 'scored-generator' }, c.out, 'usage');
    const [where, head, ...rows] = c.text().trimEnd().split('\n');
    expect(where).toBe(`Paths under ${path.resolve(s.dataDir)}`);
    expect(head).toMatch(/^id\s+kind\s+step\s+path\s+meta$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(new RegExp(`scored-generator\\s+4\\s+runs/${runId}/scored/step-0000004\\s+step=4 epoch=1 samples=100 scores=\\{classes_present=9 class_kl=0.05 inception_score=7.5 frechet_distance=40.25\\}$`));
    const all = capture();
    artifactsCommand(s, [String(runId)], { json: false }, all.out, 'usage');
    expect(all.text()).toMatch(/checkpoint\s+4\s+runs\/\d+\/checkpoints\/epoch-0001 \(missing\)/);
  });

  it('refuses an unknown kind, names the known ones, and says when a run does not exist', () => {
    expect(() => artifactsCommand(s, [String(runId)], { json: false, kind: 'weights' }, capture().out, 'usage')).toThrow(/Unknown artifact kind "weights": one of .*scored-generator.*checkpoint/);
    const missing = (() => { try { artifactsCommand(s, ['999'], { json: true }, capture().out, 'usage'); return null; } catch (e) { return e; } })();
    expect(missing).toBeInstanceOf(CliError);
    expect((missing as CliError).message).toBe('Run 999 does not exist');
    expect((missing as CliError).exitCode).toBe(1);
    expect(() => artifactsCommand(s, ['x'], { json: false }, capture().out, 'usage')).toThrow(/not "x"/);
  });

  it('says so when a run has none of a kind', () => {
    const c = capture();
    artifactsCommand(s, [String(runId)], { json: false, kind: 're-evaluation' }, c.out, 'usage');
    expect(c.text()).toBe(`Run ${runId} has no re-evaluation artifacts\n`);
  });
});

describe('show RUN', () => {
  it('--json carries the run and its artifacts with their paths', () => {
    const c = capture();
    showRun(s, runId, true, c.out);
    const shown = JSON.parse(c.text()) as { id: number; artifacts: ArtifactOnDisk[] };
    expect(shown.id).toBe(runId);
    expect(shown.artifacts.map((a) => a.path)).toEqual(s.artifacts.listOnDisk(runId).map((a) => a.path));
    expect(shown.artifacts).toHaveLength(4);
  });

  it('without --json counts them by kind and says how to list them', () => {
    const c = capture();
    showRun(s, runId, false, c.out);
    expect(c.text()).toContain(`  artifacts samples 1, scored-generator 2, checkpoint 1 (paths: artifacts ${runId})\n`);
  });
});

describe('runs reevaluate RUN', () => {
  let hosts: FakeHost[];
  let cli: AppServices;

  beforeEach(() => {
    const fake = fakeLauncher();
    hosts = fake.hosts;
    cli = { ...s, analysis: new AnalysisService(s.store, s.events, s.settings, s.datasets, s.dataDir, fake.launch) };
  });

  /** The fake worker writes the document the GAN's re-evaluation would and answers with it. */
  async function answer(samples: number): Promise<AnalyzeMessage> {
    for (let i = 0; i < 5 && hosts.length === 0; i++) await Promise.resolve();
    const h = hosts.at(-1)!;
    const m = h.sent[0] as AnalyzeMessage;
    const data: ReevaluationData = {
      step: m.step, epoch: 1, samples, scores: scores(38.125), recorded: { samples: 100, scores: scores(40.25) },
      reference: { template: 'lenet', accuracy: 0.9876, evaluatedOn: 10000, datasetHash: 'mnist:train=60000:test=10000', cached: true },
    };
    const file = path.join(m.runDir, 'gallery', 're-evaluation', 'analysis-1.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(data));
    h.emit({ type: 'sample', kind: 're-evaluation', step: m.step, path: file, meta: { sourceStep: m.step, samples, scores: data.scores } }, { type: 'done', final: {} });
    h.exit({ code: 0 });
    return m;
  }

  it('asks for the last scored generator by default, with the run\'s cache, and prints the scores now next to the recorded ones', async () => {
    const c = capture();
    const done = runsCommand(cli, ['reevaluate', String(runId)], { json: false }, c.out, 'usage');
    const m = await answer(10_000);
    expect(await done).toBe(0);
    expect(m.request).toEqual({ kind: 're-evaluate', samples: 10_000 });
    expect(m.step).toBe(4);
    expect(m.source?.path).toBe(path.join(s.dataDir, 'runs', String(runId), 'scored', 'step-0000004'));
    expect(m.cacheDir).toBe(path.join(s.dataDir, 'cache'));
    const text = c.text();
    expect(text).toContain('Step 4 (epoch 1): scores on 10000 generated images, and as recorded in training on 100');
    expect(text).toMatch(/frechet_distance\s+38\.125\s+40\.25/);
    expect(text).toContain('Reference classifier: lenet, test accuracy 98.76 % on 10000 images (mnist:train=60000:test=10000, cached)');
    expect(s.store.listArtifacts(runId, 're-evaluation')).toHaveLength(1);
  });

  it('--step and --samples choose the scored step and the sample count; --json prints the record and its document', async () => {
    const c = capture();
    const done = runsCommand(cli, ['reevaluate', String(runId)], { json: true, step: '0', samples: '2000' }, c.out, 'usage');
    const m = await answer(2000);
    await done;
    expect(m.request).toEqual({ kind: 're-evaluate', step: 0, samples: 2000 });
    expect(m.source?.path).toMatch(/step-0000000$/);
    const printed = JSON.parse(c.text()) as ArtifactOnDisk & { data: ReevaluationData };
    expect(printed.kind).toBe('re-evaluation');
    expect(printed.exists).toBe(true);
    expect(printed.data.samples).toBe(2000);
  });

  it('refuses a step without a scored generator, naming the ones there are, and a sample count out of bounds', async () => {
    await expect(runsCommand(cli, ['reevaluate', String(runId)], { json: false, step: '3' }, capture().out, 'usage')).rejects.toThrow(`Run ${runId} has no scored generator at step 3; it has them at steps 0, 4`);
    await expect(runsCommand(cli, ['reevaluate', String(runId)], { json: false, samples: '60000' }, capture().out, 'usage')).rejects.toThrow(/samples must be at most 50000/);
    await expect(runsCommand(cli, ['reevaluate', String(runId)], { json: false, samples: 'many' }, capture().out, 'usage')).rejects.toThrow('--samples expects a whole number, not "many"');
    expect(hosts).toHaveLength(0);
  });
});

describe('the artifacts table\'s meta column', () => {
  it('shortens lists to their length and long text to the width given', () => {
    expect(metaSummary({ rows: 8, z: [[1], [2], [3]], fid: 12.3456789 })).toBe('rows=8 z=[3] fid=12.346');
    expect(metaSummary({ caption: 'x'.repeat(50) }, 20)).toBe(`caption=${'x'.repeat(11)}…`);
    expect(formatArtifacts([], '/data')).toBe('Paths under /data\nid  kind  step  path  meta\n');
  });
});
