/**
 * The runs comparison routes through the contract (schemas, dispatch, the
 * real services over a temp data dir), without training: runs.list with a
 * filter, runs.setTags, runs.summaries and runs.compareSeries over runs and
 * points written straight into the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseRequest, type ApiMethod, type ApiResponse } from '../../../main/common/api';
import type { ApiErrorPayload } from '../../../main/common/api';
import { decodeWireNumber, type RunSummary } from '../../../main/common/domain';
import { createServices, type AppServices } from '../../../main/services/appServices';
import { dispatch } from '../../../main/services/dispatch';
import type { WireEvent } from '../../../main/common/wire';
import type { MetricKey } from '../../../workers/common/families/registry';
import type { MetricPoint } from '../../../workers/common/protocol';
import { formatIssue } from '../../../workers/common/runConfigBase';
import { isWireResult } from '../../../renderer/api/wireGuards';
import { removeTempDirs, sampleRun, tempDir } from '../db/helpers';

let s: AppServices;
const ids: Record<'slow' | 'fast' | 'gan' | 'long' | 'other', number> = { slow: 0, fast: 0, gan: 0, long: 0, other: 0 };
let expA = 0;
const seen: WireEvent[] = [];

/** A handler's answer after a JSON round trip, as serve mode's client gets it. */
async function ok<M extends ApiMethod>(method: M, req: unknown): Promise<ApiResponse<M>> {
  const r = JSON.parse(JSON.stringify(await dispatch(s.handlers, method, req))) as unknown;
  if (!isWireResult(r) || !r.ok) throw new Error(`${method} failed: ${JSON.stringify(r)}`);
  return r.result as ApiResponse<M>;
}

async function fails(method: ApiMethod, req: unknown): Promise<ApiErrorPayload> {
  const r = JSON.parse(JSON.stringify(await dispatch(s.handlers, method, req))) as unknown;
  if (!isWireResult(r) || r.ok) throw new Error(`${method} should have failed: ${JSON.stringify(r)}`);
  return r.error;
}

const pt = (key: MetricKey, step: number, value: number, wallTime = 1_700_000_000_000 + step * 100): MetricPoint => ({ key, step, value, wallTime });

/** 5,000 points of a falling loss with a spike at step 2345, a NaN at 4000 and +∞ at 4500. */
function longLoss(): MetricPoint[] {
  return Array.from({ length: 5000 }, (_, i) => {
    const step = i + 1;
    const value = step === 2345 ? 50 : step === 4000 ? Number.NaN : step === 4500 ? Number.POSITIVE_INFINITY : 1 / (1 + step * 0.01);
    return pt('loss', step, value);
  });
}

beforeAll(() => {
  s = createServices({ dataDir: tempDir(), env: {} });
  s.events.subscribe((m) => seen.push(m));
  const a = s.store.createExperiment('A', '');
  const b = s.store.createExperiment('B', '');
  expA = a.id;
  ids.slow = s.store.createRun(sampleRun(a.id, { name: 'slow', params: { learningRate: 0.0001 } })).id;
  ids.fast = s.store.createRun(sampleRun(a.id, { name: 'fast', params: { learningRate: 0.1 } })).id;
  ids.gan = s.store.createRun(sampleRun(b.id, { name: 'gan', family: 'gan', params: { learningRate: 0.0002 } })).id;
  ids.long = s.store.createRun(sampleRun(b.id, { name: 'long' })).id;
  ids.other = s.store.createRun(sampleRun(b.id, { name: 'no points' })).id;
  s.store.appendMetrics(ids.slow, [pt('loss', 1, 2), pt('loss', 2, 0.5), pt('loss', 3, 0.9), pt('test_accuracy', 1, 0.9), pt('test_accuracy', 2, 0.97), pt('test_accuracy', 3, 0.95)]);
  s.store.appendMetrics(ids.fast, [pt('loss', 1, 1), pt('loss', 2, Number.NaN), pt('test_accuracy', 1, 0.5)]);
  s.store.appendMetrics(ids.gan, [pt('frechet_distance', 1, 40), pt('frechet_distance', 2, 31.25), pt('frechet_distance', 3, 35), pt('d_loss', 1, 0.6), pt('d_loss', 2, 0.7)]);
  s.store.appendMetrics(ids.long, longLoss());
});
afterAll(async () => {
  await s.close();
  removeTempDirs();
});

const names = (runs: RunSummary[]): string[] => runs.map((r) => r.name);

describe('runs.list with a filter', () => {
  it('keeps the runs the filter selects, with the experiment restriction, newest first', async () => {
    expect(names(await ok('runs.list', { filter: 'params.lr < 1e-3' }))).toEqual(['gan', 'slow']);
    expect(names(await ok('runs.list', { experimentId: expA, filter: 'params.lr < 1e-3' }))).toEqual(['slow']);
    expect(names(await ok('runs.list', { filter: 'metrics.test_accuracy.best > 0.96 or family = "gan"' }))).toEqual(['gan', 'slow']);
    // best is by direction: the GAN's Fréchet distance is at best its minimum.
    expect(names(await ok('runs.list', { filter: 'metrics.frechet_distance.best < 32' }))).toEqual(['gan']);
    expect(await ok('runs.list', { filter: '' })).toHaveLength(5);
    expect(await ok('runs.list', { filter: '   ' })).toHaveLength(5);
  });

  it('answers a filter that does not parse with a bad request whose issue underlines the token', async () => {
    const filter = 'family = "gan" and params.lr <';
    const error = await fails('runs.list', { filter });
    expect(error.code).toBe('bad-request');
    expect(error.message).toMatch(/^Invalid filter: /);
    expect(error.issues).toHaveLength(1);
    const issue = error.issues![0]!;
    expect(issue.path).toEqual(['filter']);
    expect(error.message).toBe(`Invalid filter: ${issue.message}`);
    expect(issue.span).toEqual({ start: filter.length, end: filter.length });

    const typo = await fails('runs.list', { filter: 'famly = "gan"' });
    expect(typo.issues?.[0]?.span).toEqual({ start: 0, end: 5 });
    expect(typo.issues?.[0]?.message).toContain('family');
  });

  it('refuses a filter longer than 2000 characters in the schema', async () => {
    const error = await fails('runs.list', { filter: `seed = 1${' or seed = 1'.repeat(200)}` });
    expect(error.issues?.map(formatIssue)).toEqual(['filter: filter must be at most 2000 characters']);
  });
});

describe('runs.setTags', () => {
  it('stores the tags trimmed, once each and sorted, returns the run and tells every window', async () => {
    const before = seen.length;
    const run = await ok('runs.setTags', { id: ids.fast, tags: [' sweep ', 'baseline', 'sweep', 'é'.repeat(64)] });
    expect(run).toMatchObject({ id: ids.fast, name: 'fast', tags: ['baseline', 'sweep', 'é'.repeat(64)] });
    const changed = seen.slice(before).filter((e) => e.event === 'runs.onDidChange');
    expect(changed.map((e) => (e.payload as RunSummary).tags)).toEqual([run.tags]);
    expect((await ok('runs.list', { filter: 'tags has "baseline"' })).map((r) => [r.name, r.tags])).toEqual([['fast', run.tags]]);
    expect((await ok('runs.setTags', { id: ids.fast, tags: [] })).tags).toEqual([]);
    expect(await ok('runs.list', { filter: 'tags has "baseline"' })).toEqual([]);
  });

  it('refuses bad tags in the schema and an unknown run as not found, changing nothing', async () => {
    await ok('runs.setTags', { id: ids.slow, tags: ['keep'] });
    const blank = await fails('runs.setTags', { id: ids.slow, tags: ['ok', '   '] });
    expect(blank.issues?.map(formatIssue)).toEqual(['tags.1: a tag must not be empty or only spaces']);
    const long = await fails('runs.setTags', { id: ids.slow, tags: ['x'.repeat(65)] });
    expect(long.issues?.map(formatIssue)).toEqual(['tags.0: a tag must be at most 64 characters']);
    const many = await fails('runs.setTags', { id: ids.slow, tags: Array.from({ length: 33 }, (_, i) => `t${i}`) });
    expect(many.issues?.map(formatIssue)).toEqual(['tags: a run has at most 32 tags']);
    expect(await fails('runs.setTags', { id: 9999, tags: ['a'] })).toMatchObject({ code: 'not-found', message: 'Run 9999 does not exist' });
    expect(s.runs.summary(ids.slow).tags).toEqual(['keep']);
  });

  it('turns a tag the store refuses into a bad request on tags when the schema is bypassed', () => {
    try {
      s.runs.setTags(ids.slow, ['']);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).toPayload()).toMatchObject({ code: 'bad-request', issues: [{ path: ['tags'] }] });
    }
  });
});

describe('runs.summaries', () => {
  it('gives each run\'s summaries in request order with best by its family\'s direction, last when there is none', async () => {
    const out = await ok('runs.summaries', { ids: [ids.gan, ids.slow, ids.gan, ids.other] });
    expect(out.map((r) => r.runId)).toEqual([ids.gan, ids.slow, ids.other]);
    const [gan, slow, none] = out;
    expect(gan?.metrics['frechet_distance']).toEqual({ last: 35, lastStep: 3, min: 31.25, max: 40, count: 3, nonFinite: 0, best: 31.25, minStep: 2, maxStep: 1, selectedBy: null });
    expect(gan?.metrics['d_loss']).toMatchObject({ last: 0.7, best: 0.7 });
    expect(slow?.metrics['loss']).toMatchObject({ last: 0.9, min: 0.5, max: 2, best: 0.5 });
    expect(slow?.metrics['test_accuracy']).toMatchObject({ last: 0.95, best: 0.97 });
    expect(none?.metrics).toEqual({});
  });

  it('sends a NaN last as null, and reads only the keys asked for', async () => {
    const [fast] = await ok('runs.summaries', { ids: [ids.fast], keys: ['loss'] });
    expect(fast?.metrics).toEqual({ loss: { last: null, lastStep: 2, min: 1, max: 1, count: 2, nonFinite: 1, best: 1, minStep: 1, maxStep: 1, selectedBy: null } });
  });

  it('places step metrics on the epoch axis by the run\'s checkpoints and epoch metrics at their step, a range cutting in epochs', async () => {
    // Four steps an epoch: epoch 1 ends at step 4, epoch 2 at step 8; test_accuracy is an epoch metric (logged at step = epoch).
    const run = s.store.createRun(sampleRun(expA, { name: 'epochs' })).id;
    s.store.appendMetrics(run, [...[1, 2, 3, 4, 5, 6, 7, 8].map((step) => pt('loss', step, 1 / step)), pt('test_accuracy', 1, 0.8), pt('test_accuracy', 2, 0.9)]);
    s.store.addArtifact(run, 'checkpoint', 4, 'runs/x/ckpt', { epoch: 1, step: 4 });
    s.store.addArtifact(run, 'checkpoint', 8, 'runs/x/ckpt', { epoch: 2, step: 8 });
    const out = await ok('runs.compareSeries', { ids: [run], keys: ['loss', 'test_accuracy'], x: 'epoch' });
    expect(out.find((e) => e.key === 'loss')?.xs).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    expect(out.find((e) => e.key === 'test_accuracy')?.xs).toEqual([1, 2]);
    const [cut] = await ok('runs.compareSeries', { ids: [run], keys: ['loss'], x: 'epoch', range: { min: 1.1, max: 1.6 } });
    expect(cut?.xs).toEqual([1, 1.25, 1.5, 1.75]);
    // A run with no epoch end yet cannot place its step metrics: left out.
    const fresh = s.store.createRun(sampleRun(expA, { name: 'first epoch' })).id;
    s.store.appendMetrics(fresh, [pt('loss', 1, 1)]);
    expect(await ok('runs.compareSeries', { ids: [fresh], keys: ['loss'], x: 'epoch' })).toEqual([]);
  });

  it('refuses unknown runs and requests out of bounds', async () => {
    expect(await fails('runs.summaries', { ids: [ids.slow, 9998, 9999] })).toMatchObject({ code: 'not-found', message: 'Runs 9998, 9999 do not exist' });
    expect((await fails('runs.summaries', { ids: [] })).issues?.map(formatIssue)).toEqual(['ids: ids must name at least one run']);
    expect((await fails('runs.summaries', { ids: Array.from({ length: 1001 }, (_, i) => i + 1) })).issues?.map(formatIssue)).toEqual(['ids: at most 1000 runs at once']);
    expect((await fails('runs.summaries', { ids: [1], keys: Array.from({ length: 201 }, (_, i) => `k${i}`) })).issues?.map(formatIssue)).toEqual(['keys: at most 200 metric keys at once']);
  });
});

describe('runs.compareSeries', () => {
  it('downsamples a 5,000-point series to at most 4·buckets points, keeping the spike and the non-finite points', async () => {
    const out = await ok('runs.compareSeries', { ids: [ids.long], keys: ['loss'], buckets: 100 });
    expect(out).toHaveLength(1);
    const [series] = out;
    expect(series).toMatchObject({ runId: ids.long, key: 'loss', total: 5000 });
    // The two non-finite points are kept besides each bucket's four.
    expect(series!.xs.length).toBeLessThanOrEqual(4 * 100 + 2);
    expect(series!.xs.length).toBeGreaterThan(100);
    expect(series!.xs.length).toBe(series!.ys.length);
    expect(series!.xs[0]).toBe(1);
    expect(series!.xs.at(-1)).toBe(5000);
    const at = (step: number): unknown => series!.ys[series!.xs.indexOf(step)];
    expect(at(2345)).toBe(50);
    expect(at(4000)).toBe('NaN');
    expect(at(4500)).toBe('Inf');
    expect(series!.ys.map(decodeWireNumber).filter((y) => Number.isFinite(y) && y > 1)).toEqual([50]);
  });

  it('cuts to the range before downsampling: a narrow window comes at full resolution with a point beyond each edge', async () => {
    const [series] = await ok('runs.compareSeries', { ids: [ids.long], keys: ['loss'], range: { min: 1000, max: 1100 } });
    expect(series?.xs).toEqual(Array.from({ length: 103 }, (_, i) => 999 + i));
    expect(series?.total).toBe(5000);
    const [wall] = await ok('runs.compareSeries', { ids: [ids.long], keys: ['loss'], x: 'wall', range: { min: 1_700_000_000_000 + 200_000, max: 1_700_000_000_000 + 200_050 } });
    expect(wall?.xs).toEqual([1_700_000_000_000 + 199_900, 1_700_000_000_000 + 200_000, 1_700_000_000_000 + 200_100]);
    const [empty] = await ok('runs.compareSeries', { ids: [ids.long], keys: ['loss'], range: { min: 6000, max: 7000 } });
    expect(empty).toMatchObject({ xs: [], ys: [], total: 5000 });
  });

  it('gives one entry per run and key with points, runs in request order, and sorts wall times a resume left out of order', async () => {
    const out = await ok('runs.compareSeries', { ids: [ids.slow, ids.other, ids.fast], keys: ['test_accuracy', 'loss', 'nope'] });
    expect(out.map((e) => [e.runId, e.key])).toEqual([[ids.slow, 'loss'], [ids.slow, 'test_accuracy'], [ids.fast, 'loss'], [ids.fast, 'test_accuracy']]);
    expect(out[2]).toMatchObject({ xs: [1, 2], ys: [1, 'NaN'], total: 2 });

    const resumed = s.store.createRun(sampleRun(expA, { name: 'resumed' })).id;
    s.store.appendMetrics(resumed, [1, 2, 3, 4, 5, 6].map((step) => pt('loss', step, step, step)));
    s.store.appendMetrics(resumed, [pt('loss', 3, 30, 100), pt('loss', 4, 40, 101)]);
    const [wall] = await ok('runs.compareSeries', { ids: [resumed], keys: ['loss'], x: 'wall' });
    expect(wall).toMatchObject({ xs: [1, 2, 5, 6, 100, 101], ys: [1, 2, 5, 6, 30, 40], total: 6 });
  });

  it('refuses unknown runs and requests out of bounds', async () => {
    expect(await fails('runs.compareSeries', { ids: [9999], keys: ['loss'] })).toMatchObject({ code: 'not-found', message: 'Run 9999 does not exist' });
    const issues = async (req: unknown): Promise<string[]> => (await fails('runs.compareSeries', req)).issues?.map(formatIssue) ?? [];
    expect(await issues({ ids: [1], keys: [] })).toEqual(['keys: keys must name at least one metric']);
    expect(await issues({ ids: [1], keys: ['loss'], buckets: 8 })).toEqual(['buckets: buckets must be at least 16']);
    expect(await issues({ ids: [1], keys: ['loss'], buckets: 100.5 })).toEqual(['buckets: buckets must be a whole number']);
    expect(await issues({ ids: [1], keys: ['loss'], x: 'epochs' })).toEqual(["x: x must be 'step', 'wall' or 'epoch'"]);
    expect(await issues({ ids: [1], keys: ['loss'], range: { min: 5, max: 1 } })).toEqual(['range.min: range.min must be at most range.max']);
    expect(await issues({ ids: Array.from({ length: 501 }, (_, i) => i + 1), keys: ['loss'] })).toEqual(['ids: at most 500 runs at once']);
  });

  it('fills the defaults: step axis, 1000 buckets', () => {
    expect(parseRequest('runs.compareSeries', { ids: [1], keys: ['loss'] })).toEqual({ ids: [1], keys: ['loss'], x: 'step', buckets: 1000 });
  });
});

describe('the renderer\'s wire guard', () => {
  it('accepts an issue with a span and refuses a malformed span', () => {
    const error = (span: unknown): unknown => ({ ok: false, error: { code: 'bad-request', message: 'm', issues: [{ path: ['filter'], message: 'm', span }] } });
    expect(isWireResult(error({ start: 1, end: 3 }))).toBe(true);
    expect(isWireResult(error(undefined))).toBe(true);
    expect(isWireResult(error({ start: '1', end: 3 }))).toBe(false);
  });
});
