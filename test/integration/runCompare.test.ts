/**
 * The runs comparison routes over serve mode's HTTP API with its token, and
 * the CLI's `runs --filter` and `runs tag` on the same data folder: runs and
 * points are written straight into the store (no training), as the compare
 * view finds them after real runs.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/httpApi';
import type { CompareSeries, MetricSeries, RunMetricSummaries, RunSummary } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import type { MetricKey } from '../../workers/common/families/registry';
import type { MetricPoint } from '../../workers/common/protocol';
import { sampleRun } from '../unit/db/helpers';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'compare-token-456';
const dataDir = tempDir();
let s: AppServices;
let server: RunningServer;
const ids = { slow: 0, fast: 0, gan: 0, long: 0 };

const pt = (key: MetricKey, step: number, value: number): MetricPoint => ({ key, step, value, wallTime: 1_700_000_000_000 + step * 100 });

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
  const exp = s.store.createExperiment('sweep', '').id;
  const other = s.store.createExperiment('gans', '').id;
  ids.slow = s.store.createRun(sampleRun(exp, { name: 'slow', params: { learningRate: 0.0001 } })).id;
  ids.fast = s.store.createRun(sampleRun(exp, { name: 'fast', params: { learningRate: 0.1 } })).id;
  ids.gan = s.store.createRun(sampleRun(other, { name: 'gan', family: 'gan', params: { learningRate: 0.0002 } })).id;
  ids.long = s.store.createRun(sampleRun(exp, { name: 'long', params: { learningRate: 0.01 } })).id;
  // Done, so that the CLI's start (which interrupts runs left queued) leaves them as they are.
  for (const id of Object.values(ids)) s.store.setRunStatus(id, 'done', null, 1);
  s.store.appendMetrics(ids.slow, [pt('test_accuracy', 1, 0.9), pt('test_accuracy', 2, 0.98), pt('test_accuracy', 3, 0.97), pt('loss', 1, 0.8), pt('loss', 2, 0.3)]);
  s.store.appendMetrics(ids.fast, [pt('test_accuracy', 1, 0.6), pt('loss', 1, 2)]);
  s.store.appendMetrics(ids.gan, [pt('frechet_distance', 1, 50), pt('frechet_distance', 2, 20), pt('frechet_distance', 3, 30)]);
  s.store.appendMetrics(ids.long, Array.from({ length: 5000 }, (_, i) => {
    const step = i + 1;
    return pt('loss', step, step === 1234 ? 99 : step === 3000 ? Number.NaN : 2 - step / 5000);
  }));
});
afterAll(async () => {
  await server.close();
  await s.close();
});

const { ok, refused } = httpApi(() => server.port, token);

describe('the comparison routes over HTTP', () => {
  it('lists the runs a filter keeps, and answers a bad filter with the span of its token', async () => {
    const kept = await ok<RunSummary[]>('runs.list', { filter: 'params.lr < 1e-3 and metrics.test_accuracy.best > 0.95' });
    expect(kept.map((r) => r.name)).toEqual(['slow']);
    const gans = await ok<RunSummary[]>('runs.list', { filter: 'metrics.frechet_distance.best <= 20' });
    expect(gans.map((r) => r.name)).toEqual(['gan']);

    const filter = 'params.lr < 1e-3 and metrics.test_acuracy.best > 0.9';
    const bad = await refused('runs.list', { filter });
    expect(bad.status).toBe(400);
    expect(bad.error.code).toBe('bad-request');
    const issue = bad.error.issues?.[0];
    expect(issue?.path).toEqual(['filter']);
    expect(bad.error.message).toBe(`Invalid filter: ${issue?.message ?? ''}`);
    expect(filter.slice(issue?.span?.start, issue?.span?.end)).toContain('test_acuracy');
  });

  it('sets tags, lists them and filters by them; refuses a bad tag and an unknown run', async () => {
    const tagged = await ok<RunSummary>('runs.setTags', { id: ids.fast, tags: ['lr-sweep', ' baseline '] });
    expect(tagged.tags).toEqual(['baseline', 'lr-sweep']);
    expect((await ok<RunSummary[]>('runs.list', { filter: 'tags has "baseline"' })).map((r) => [r.id, r.tags])).toEqual([[ids.fast, ['baseline', 'lr-sweep']]]);
    const blank = await refused('runs.setTags', { id: ids.fast, tags: [''] });
    expect(blank.error).toMatchObject({ code: 'bad-request', issues: [{ path: ['tags', '0'], message: 'a tag must not be empty or only spaces' }] });
    expect((await refused('runs.setTags', { id: 4242, tags: [] })).error).toMatchObject({ code: 'not-found' });
    expect((await ok<RunSummary[]>('runs.list', {})).find((r) => r.id === ids.fast)?.tags).toEqual(['baseline', 'lr-sweep']);
  });

  it('gives summaries with best by each family\'s direction', async () => {
    const out = await ok<RunMetricSummaries[]>('runs.summaries', { ids: [ids.slow, ids.gan, ids.long], keys: ['test_accuracy', 'frechet_distance', 'loss'] });
    expect(out.map((r) => r.runId)).toEqual([ids.slow, ids.gan, ids.long]);
    expect(out[0]?.metrics['test_accuracy']).toMatchObject({ last: 0.97, best: 0.98 });
    expect(out[0]?.metrics['loss']).toMatchObject({ last: 0.3, best: 0.3 });
    expect(out[1]?.metrics['frechet_distance']).toMatchObject({ last: 30, best: 20, min: 20, max: 50 });
    expect(out[2]?.metrics['loss']).toMatchObject({ count: 5000, nonFinite: 1, max: 99, best: 2 - 5000 / 5000 });
  });

  it('thins runs.metrics to maxPoints (the run page\'s first paint) and answers a zoomed range whole', async () => {
    const [whole] = await ok<MetricSeries[]>('runs.metrics', { id: ids.long, keys: ['loss'] });
    expect(whole?.steps).toHaveLength(5000);
    expect(whole?.totalPoints).toBeUndefined();
    const [thin] = await ok<MetricSeries[]>('runs.metrics', { id: ids.long, keys: ['loss'], maxPoints: 100 });
    expect(thin?.totalPoints).toBe(5000);
    // 25 buckets × at most 4 finite points, plus the NaN at step 3000.
    expect(thin!.steps.length).toBeLessThanOrEqual(101);
    expect([thin!.steps[0], thin!.steps.at(-1)]).toEqual([1, 5000]);
    expect(thin!.values[thin!.steps.indexOf(1234)]).toBe(99);
    expect(thin!.steps).toContain(3000);
    expect(thin!.wallTimes[thin!.steps.indexOf(1234)]).toBe(1_700_000_000_000 + 123_400);
    const [zoomed] = await ok<MetricSeries[]>('runs.metrics', { id: ids.long, keys: ['loss'], maxPoints: 100, range: { min: 2990, max: 3010 } });
    expect(zoomed?.steps).toEqual(Array.from({ length: 23 }, (_, i) => 2989 + i));
    expect(zoomed?.totalPoints).toBeUndefined();
    expect((await refused('runs.metrics', { id: ids.long, maxPoints: 8 })).error.issues).toEqual([{ path: ['maxPoints'], message: 'maxPoints must be at least 16' }]);
  });

  it('downsamples a 5,000-point series, keeping the NaN and the spike, and slices a range', async () => {
    const [series] = await ok<CompareSeries[]>('runs.compareSeries', { ids: [ids.long], keys: ['loss'], buckets: 50 });
    expect(series?.total).toBe(5000);
    expect(series!.xs.length).toBeLessThanOrEqual(4 * 50 + 1);
    expect(series!.ys[series!.xs.indexOf(1234)]).toBe(99);
    expect(series!.ys[series!.xs.indexOf(3000)]).toBe('NaN');
    const [zoomed] = await ok<CompareSeries[]>('runs.compareSeries', { ids: [ids.long], keys: ['loss'], buckets: 16, range: { min: 2990, max: 3010 } });
    expect(zoomed?.xs).toEqual(Array.from({ length: 23 }, (_, i) => 2989 + i));
    expect(zoomed?.ys[11]).toBe('NaN');
    expect((await refused('runs.compareSeries', { ids: [ids.long], keys: ['loss'], buckets: 5000 })).error.issues).toEqual([{ path: ['buckets'], message: 'buckets must be at most 4000' }]);
  });
});

describe('runs in the CLI', () => {
  const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
  const env = { ...process.env, LATENT_BACKEND: 'wasm' };
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data', dataDir], { env, encoding: 'utf8' });

  it('lists the runs a filter keeps, by experiment, as a table or JSON', () => {
    const table = run('runs', '--filter', 'params.lr < 0.05');
    expect(table.status).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^id\s+family\s+name\s+status\s+backend\s+result\s+tags$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/)[2])).toEqual(['long', 'gan', 'slow']);
    const json = run('runs', 'list', '--experiment', 'gans', '--filter', 'family = "gan"', '--json');
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as RunSummary[]).map((r) => r.id)).toEqual([ids.gan]);
    expect(run('runs', '--filter', 'seed = -1').stdout).toBe('No runs match.\n');
    const unknown = run('runs', '--experiment', 'nope');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No experiment is named "nope"');
  });

  it('prints a bad filter with a caret line under the token at fault and exits 2', () => {
    const r = run('runs', '--filter', 'family = "gan" and famly = 1');
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^latent: Invalid filter: .*famly/);
    expect(lines[1]).toBe('  family = "gan" and famly = 1');
    expect(lines[2]).toBe(`  ${' '.repeat(19)}^^^^^`);
  });

  it('tags a run and clears its tags; refuses a bad tag and an unknown run', () => {
    const tagged = run('runs', 'tag', String(ids.slow), 'best', 'lr-sweep');
    expect(tagged.status).toBe(0);
    expect(tagged.stdout).toBe(`Run ${ids.slow} (slow) is tagged "best", "lr-sweep"\n`);
    expect(s.runs.summary(ids.slow).tags).toEqual(['best', 'lr-sweep']);
    const listed = run('runs', '--filter', 'tags has "best"');
    expect(listed.stdout).toMatch(new RegExp(`\\n${ids.slow}\\s+classifier\\s+slow\\s+.*best, lr-sweep\\n$`));
    const cleared = run('runs', 'tag', String(ids.slow), '--json');
    expect((JSON.parse(cleared.stdout) as RunSummary).tags).toEqual([]);
    const blank = run('runs', 'tag', String(ids.slow), ' ');
    expect(blank.status).toBe(2);
    expect(blank.stderr).toContain('tags.0: a tag must not be empty or only spaces');
    const missing = run('runs', 'tag', '4242', 'x');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Run 4242 does not exist');
  });
});
