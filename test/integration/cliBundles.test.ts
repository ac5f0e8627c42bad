/**
 * `bundles export` and `bundles import` through the built CLI on real SQLite
 * files. Runs are written straight into the store (no training): one trained
 * a saved architecture version and logged NaN and +Infinity, one reproduces
 * it, and both name a dataset the target does not have. The target already
 * holds an experiment of the same name and the same architecture document,
 * so the import merges into both instead of duplicating them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleExportReport, BundleImportReport } from '../../main/common/bundleFormat';
import { createServices } from '../../main/services/appServices';
import { sampleGraph, sampleRun } from '../unit/db/helpers';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
const work = tempDir('latent-cli-bundles-');
const sourceDir = path.join(work, 'source');
const targetDir = path.join(work, 'target');
const ids = { base: 0, repro: 0 };
let targetExperiment = 0;
let targetArchitecture = 0;

const cliRun = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args, '--data', dataDir], { env: { ...process.env, LATENT_BACKEND: 'wasm' }, encoding: 'utf8' });

beforeAll(async () => {
  requireBuilt();
  const s = createServices({ dataDir: sourceDir, env: { LATENT_BACKEND: 'wasm' } });
  const exp = s.store.createExperiment('portable', 'from the lab').id;
  const arch = s.store.saveArchitecture({ name: 'tiny', family: 'classifier', architecture: sampleGraph('tiny', 4) });
  ids.base = s.store.createRun(sampleRun(exp, { name: 'base', datasetId: 'lab-set', datasetHash: 'sha256:feed', architectureId: arch.id, architectureVersion: arch.version })).id;
  ids.repro = s.store.createRun(sampleRun(exp, { name: 'again', datasetId: 'lab-set', datasetHash: 'sha256:feed', originRunId: ids.base })).id;
  for (const id of Object.values(ids)) s.store.setRunStatus(id, 'done', null, 5);
  s.store.appendMetrics(ids.base, [
    { key: 'loss', step: 1, value: 0.5, wallTime: 10 }, { key: 'loss', step: 2, value: Number.NaN, wallTime: 11 }, { key: 'loss', step: 3, value: Number.POSITIVE_INFINITY, wallTime: 12 },
  ]);
  s.store.appendLog(ids.base, 'warn', 'loss was NaN at step 2', 11);
  const dir = path.join(sourceDir, 'runs', String(ids.base), 'checkpoints', 'epoch-0001');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from([1, 2, 3, 4, 5]));
  s.store.addArtifact(ids.base, 'checkpoint', 3, path.join('runs', String(ids.base), 'checkpoints', 'epoch-0001'), { epoch: 1, step: 3 });
  await s.close();
  const t = createServices({ dataDir: targetDir, env: { LATENT_BACKEND: 'wasm' } });
  targetExperiment = t.store.createExperiment('portable', 'here already').id;
  // A run of its own, so the imported runs' ids differ from the source's.
  t.store.setRunStatus(t.store.createRun(sampleRun(t.store.createExperiment('local', '').id, { name: 'local' })).id, 'done', null, 1);
  targetArchitecture = t.store.saveArchitecture({ name: 'tiny', family: 'classifier', architecture: sampleGraph('tiny', 4) }).id;
  await t.close();
});
afterAll(() => { fs.rmSync(work, { recursive: true, force: true }); });

describe('bundles export and import on the CLI', () => {
  let bundle = '';

  it('exports an experiment by name as one .lwbundle', () => {
    const r = cliRun(sourceDir, 'bundles', 'export', '--experiment', 'portable', '--out', path.join(work, 'lab'), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as BundleExportReport;
    bundle = report.file;
    expect(bundle).toBe(path.join(work, 'lab.lwbundle'));
    expect(report.runs.map((x) => x.name)).toEqual(['base', 'again']);
    expect(report.datasetsReferenced).toEqual(['lab-set']);
    // manifest, bundle.json, run.json + metrics.json per run, one checkpoint file
    expect(report.entries).toBe(1 + 1 + 2 * 2 + 1);
  });

  it('refuses to overwrite a file and says why', () => {
    const r = cliRun(sourceDir, 'bundles', 'export', String(ids.base), '--out', bundle);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('already exists');
  });

  it('imports, merging into the experiment and architecture already there, and reports the missing dataset', () => {
    const r = cliRun(targetDir, 'bundles', 'import', bundle, '--json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as BundleImportReport;
    expect(report.runsAdded.map((x) => x.name)).toEqual(['base', 'again']);
    expect(report.experimentsMergedInto).toEqual([{ id: targetExperiment, name: 'portable' }]);
    expect(report.experimentsCreated).toEqual([]);
    expect(report.architecturesLinked).toBe(1);
    expect(report.architecturesAdded).toEqual([]);
    expect(report.datasetsMissing).toEqual([{ id: 'lab-set', contentHash: 'sha256:feed' }]);
    expect(report.filesAdded).toBe(1);
    const t = createServices({ dataDir: targetDir, env: { LATENT_BACKEND: 'wasm' } });
    try {
      const base = report.runsAdded[0]!.id;
      const again = report.runsAdded[1]!.id;
      expect(base).not.toBe(ids.base);
      const run = t.store.getRun(base)!;
      expect(run).toMatchObject({ experimentId: targetExperiment, architectureId: targetArchitecture, architectureVersion: 1, datasetId: 'lab-set' });
      expect(t.store.getRun(again)!.originRunId).toBe(base);
      const loss = t.store.getMetrics(base, ['loss'])[0]!;
      expect(loss.values).toEqual([0.5, Number.NaN, Number.POSITIVE_INFINITY]);
      expect(t.store.metricSummaries([base], ['loss']).get(base)!['loss']).toMatchObject({ min: 0.5, max: 0.5, count: 3, nonFinite: 2 });
      expect(t.store.getLogs(base).map((l) => l.message)).toEqual(['loss was NaN at step 2']);
      const checkpoint = t.store.latestCheckpoint(base)!;
      expect(fs.readFileSync(path.join(targetDir, checkpoint.dir, 'weights.bin'))).toEqual(Buffer.from([1, 2, 3, 4, 5]));
    } finally {
      void t.close();
    }
  });

  it('skips every run on a second import, in words', () => {
    const r = cliRun(targetDir, 'bundles', 'import', bundle);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('runs added: 0');
    expect(r.stdout).toContain('runs skipped, already here: 2');
  });

  it('refuses a file that is not a bundle with exit code 2', () => {
    const junk = path.join(work, 'notes.lwbundle');
    fs.writeFileSync(junk, 'just some text that is not an archive at all\n'.repeat(20));
    const r = cliRun(targetDir, 'bundles', 'import', junk);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a Latent Workbench bundle');
    expect(r.stderr).toContain('Nothing was changed');
  });
});
