/**
 * Run comparison at scale (issue 11's quality bar), against serve and in Chromium.
 *
 * 1. Seeds a data folder (bench/compareSeed.ts): `--runs` classifier runs
 *    (default 10,000) across `--experiments` (20, Zipf-sized) and `--points`
 *    metric points (10,000,000) through store.appendMetrics in ≤ 256-point
 *    batches, so latest_metrics' summaries are kept as in production; then
 *    the same points with a plain INSERT into `metrics` on a copy taken before
 *    any point was written (ingest without the summaries). Database size.
 * 2. serve on that folder; each interaction 1 warm-up + `--repeats` times
 *    (p50 / p95, nearest rank): the API time (HTTP round trip from this
 *    process, JSON parsed) and, where the UI has the feature, the time in
 *    headless Chromium to the frame after the result is in the DOM, with the
 *    page's own API calls (Resource Timing) to tell server time from client time.
 * 3. Writes bench/results/compare.json and prints a table.
 *
 *   npm run build && node dist/bench/compare.js [--runs 10000] [--experiments 20] [--points 10000000] [--repeats 7] [--data DIR] [--keep] [--only ui]
 *
 * `--only ui` runs only issue 17's section (g: the largest experiment's page, a
 * 200,000-step run's page and runs.metrics whole vs thinned) and merges its
 * `compare.ui_speed.*` keys into the existing compare.json.
 *
 * `--data DIR` seeds DIR once and reuses it on later runs with the same sizes
 * (the ingest numbers are read back from DIR/bench-seed.json).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { openStore } from '../db';
import type { CompareSeries, MetricSeries, RunMetricSummaries, RunSummary } from '../main/common/domain';
import { defaultRunsTableState } from '../main/common/savedView';
import { appRoot } from '../main/services/appInfo';
import { headlineMetricKeys } from '../workers/common/families/registry';
import { chromiumPath, launchBrowser } from './harness/chromium';
import { machineInfo } from './harness/runtime';
import { startServe, type ServeProcess } from './harness/serveChild';
import {
  copyDatabase, createRuns, databaseMb, INGEST_BATCH, ingestWithoutSummaries, ingestWithSummaries, type SeedPlan,
} from './compareSeed';
import { measureLongRunMetrics } from './longRunMetrics';
import { ensureLongRun } from './longRunSeed';

const KEYS = ['loss', 'accuracy', 'val_accuracy', 'test_accuracy'] as const;
const FILTERS = [
  'params.lr < 1e-3 and metrics.test_accuracy.best > 0.9',
  'tags has "baseline" or (params.optimizer = "sgd" and params.batchSize >= 128)',
] as const;
const round = (v: number, d = 1): number => Number(v.toFixed(d));

// ---------------------------------------------------------------- statistics

interface Stat { p50: number; p95: number; samples: number[] }

/** Nearest-rank percentiles. */
function stat(samples: readonly number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  return { p50: q(0.5), p95: q(0.95), samples: samples.map((x) => round(x)) };
}

// ---------------------------------------------------------------- seeding

interface SeedReport {
  plan: SeedPlan;
  ingest: { points: number; batches: number; seconds: number };
  ingestNoSummaries: { points: number; batches: number; seconds: number };
  createRunsSeconds: number;
  dbMb: number;
  dbMbNoSummaries: number;
  nanRunId: number;
}

function seed(dir: string, plan: SeedPlan): SeedReport {
  const meta = join(dir, 'bench-seed.json');
  if (existsSync(meta)) {
    const old = JSON.parse(readFileSync(meta, 'utf8')) as SeedReport;
    if (old.plan.runs === plan.runs && old.plan.points === plan.points && old.plan.experiments === plan.experiments) {
      console.error(`reusing the seeded folder ${dir}`);
      return old;
    }
    throw new Error(`${dir} was seeded with other sizes (${JSON.stringify(old.plan)}): use another --data folder`);
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'workbench.sqlite');
  const plain = join(dir, 'no-summaries.sqlite');
  const t0 = performance.now();
  const runs = createRuns(file, plan);
  const createRunsSeconds = (performance.now() - t0) / 1000;
  console.error(`created ${runs.length} runs in ${createRunsSeconds.toFixed(1)} s`);
  copyDatabase(file, plain);
  let next = 0;
  const progress = (what: string) => (done: number): void => {
    if (done >= next) { console.error(`${what}: ${done} / ${plan.points} points`); next += plan.points / 10; }
  };
  const withSummaries = ingestWithSummaries(file, plan, runs, progress('appendMetrics'));
  next = 0;
  const without = ingestWithoutSummaries(plain, plan, runs, progress('plain INSERT'));
  const report: SeedReport = {
    plan,
    ingest: withSummaries,
    ingestNoSummaries: without,
    createRunsSeconds,
    dbMb: databaseMb(file),
    dbMbNoSummaries: databaseMb(plain),
    nanRunId: withSummaries.nanRunId,
  };
  rmSync(plain, { force: true });
  writeFileSync(meta, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

// ---------------------------------------------------------------- the API, timed from this process

interface Answer<T> { ms: number; bytes: number; result: T }

async function timedCall<T>(s: ServeProcess, method: string, body: unknown): Promise<Answer<T>> {
  const t0 = performance.now();
  const r = await fetch(`${s.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  const answer = JSON.parse(text) as { ok: true; result: T } | { ok: false; error: { message: string } };
  const ms = performance.now() - t0;
  if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
  return { ms, bytes: text.length, result: answer.result };
}

/** One warm-up, then `repeats` calls (each body in turn when several are given). */
async function apiStat<T>(s: ServeProcess, method: string, bodies: readonly unknown[], repeats: number): Promise<{ stat: Stat; bytes: number; result: T }> {
  let last = await timedCall<T>(s, method, bodies[0]);
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    last = await timedCall<T>(s, method, bodies[i % bodies.length]);
    ms.push(last.ms);
  }
  return { stat: stat(ms), bytes: last.bytes, result: last.result };
}

// ---------------------------------------------------------------- in the page (plain JS: bench compiles without the DOM lib)

/**
 * Runs at every document start: when sessionStorage holds a wait spec, checks
 * it each animation frame and, once it holds, stores the time of that frame
 * and of the next one (relative to the navigation's start).
 */
const WAIT_PROBE = `(() => {
  const raw = sessionStorage.getItem('__benchWait');
  if (!raw) return;
  sessionStorage.removeItem('__benchWait');
  const spec = JSON.parse(raw);
  const tableDrawn = () => {
    const first = document.querySelector('[data-testid="run-row"]');
    return first !== null && first.dataset.runId === String(spec.first);
  };
  const tableComplete = () => {
    const count = document.querySelector('[data-testid="runs-shown-count"]');
    return count !== null && count.textContent.trim() === String(spec.rows);
  };
  const holds = () => {
    // The table is virtualised: its count says every run is listed, and the first row is drawn.
    if (spec.kind === 'table') return tableDrawn() && tableComplete();
    // A run page: a chart of the run's step metrics has drawn at least spec.points points.
    if (spec.kind === 'run-chart') return [...document.querySelectorAll('.metric-chart')].some((c) => Number(c.dataset.points) >= spec.points);
    const charts = [...document.querySelectorAll('[data-testid="compare-chart"]')];
    return charts.length === spec.charts && charts.every((c) => Number(c.dataset.series) === spec.series && Number(c.dataset.points) > 0);
  };
  // 'table-first': the time of the first row drawn (the page draws the newest runs before the
  // rest of a long list arrives), reported once the whole list is in, so the next load does
  // not start while the server is still answering this one.
  let firstRow = null;
  const tick = () => {
    if (spec.kind === 'table-first') {
      if (firstRow === null && tableDrawn()) {
        const dom = performance.now();
        firstRow = { dom };
        requestAnimationFrame(() => { firstRow.frame = performance.now(); });
      }
      if (firstRow === null || firstRow.frame === undefined || !tableComplete()) { requestAnimationFrame(tick); return; }
      window.__benchLoaded = firstRow;
      return;
    }
    if (!holds()) { requestAnimationFrame(tick); return; }
    const dom = performance.now();
    const nodes = document.getElementsByTagName('*').length;
    requestAnimationFrame(() => { window.__benchLoaded = { dom, frame: performance.now(), nodes }; });
  };
  requestAnimationFrame(tick);
})();`;

/** Polls `expr` in the page (through the debugger protocol, which the page's CSP does not restrict, unlike waitForFunction's eval) until it is set. */
async function waitForValue(page: Page, expr: string, timeoutMs: number): Promise<unknown> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v: unknown = await page.evaluate(expr);
    if (v !== undefined && v !== null) return v;
    if (Date.now() > end) throw new Error(`${expr} was not set within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface ApiEntry { method: string; start: number; end: number }
interface PageLoad { frame: number; dom: number; apis: ApiEntry[]; bytes: number; nodes?: number }

/** A fresh document load of `hash`, until the spec holds: times from navigation start, and the page's API calls. */
async function loadUntil(page: Page, s: ServeProcess, hash: string, spec: Record<string, unknown>): Promise<PageLoad> {
  await page.evaluate(`sessionStorage.setItem('__benchWait', ${JSON.stringify(JSON.stringify(spec))})`);
  await page.goto('about:blank');
  await page.goto(`${s.origin}/?token=${s.token}#${hash}`);
  await waitForValue(page, 'window.__benchLoaded', 180_000);
  return page.evaluate(`({ ...window.__benchLoaded, apis: performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/api/'))
    .map((e) => ({ method: e.name.split('/api/')[1], start: e.startTime, end: e.responseEnd })),
    bytes: performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).reduce((n, e) => n + e.encodedBodySize, 0) })`) as Promise<PageLoad>;
}

interface LoadStats { total: Stat; firstApiStart: Stat; lastApiEnd: Stat; client: Stat; api: Record<string, Stat>; apiBytes: Stat; nodes: Stat }

/** `repeats` loads after a warm-up: to the frame after, the first API call's start (the app's boot), the end of the last API answer, the rest (client), each API call's duration. */
async function loadStats(page: Page, s: ServeProcess, hash: string, spec: Record<string, unknown>, repeats: number): Promise<LoadStats> {
  await loadUntil(page, s, hash, spec);
  const loads: PageLoad[] = [];
  for (let i = 0; i < repeats; i++) loads.push(await loadUntil(page, s, hash, spec));
  const lastEnd = (l: PageLoad): number => Math.max(0, ...l.apis.map((a) => a.end));
  const api: Record<string, number[]> = {};
  for (const l of loads) for (const a of l.apis) (api[a.method] ??= []).push(a.end - a.start);
  return {
    total: stat(loads.map((l) => l.frame)),
    firstApiStart: stat(loads.map((l) => Math.min(...l.apis.map((a) => a.start)))),
    lastApiEnd: stat(loads.map(lastEnd)),
    client: stat(loads.map((l) => l.frame - lastEnd(l))),
    api: Object.fromEntries(Object.entries(api).map(([k, v]) => [k, stat(v)])),
    apiBytes: stat(loads.map((l) => l.bytes)),
    nodes: stat(loads.map((l) => l.nodes ?? Number.NaN)),
  };
}

/**
 * Pressing Enter in the filter box (after filling it) until the table counts
 * `rows` rows and draws `first` first: ms from the keydown to the frame after.
 */
async function filterOnce(page: Page, filter: string, rows: number, first: number): Promise<number> {
  const input = page.getByTestId('runs-filter');
  await input.fill(filter);
  await page.evaluate(`(() => {
    window.__benchFilter = undefined;
    const input = document.querySelector('[data-testid="runs-filter"]');
    const onKey = (e) => {
      if (e.key !== 'Enter') return;
      input.removeEventListener('keydown', onKey, true);
      const t0 = performance.now();
      const holds = () => {
        const count = document.querySelector('[data-testid="runs-shown-count"]');
        const r = document.querySelector('[data-testid="run-row"]');
        return count !== null && count.textContent.trim() === '${rows}' && r !== null && r.dataset.runId === '${first}';
      };
      const tick = () => {
        if (!holds()) { requestAnimationFrame(tick); return; }
        requestAnimationFrame(() => { window.__benchFilter = performance.now() - t0; });
      };
      requestAnimationFrame(tick);
    };
    input.addEventListener('keydown', onKey, true);
  })()`);
  await input.press('Enter');
  return Number(await waitForValue(page, 'window.__benchFilter', 60_000));
}

/** Moving the smoothing slider to `value` until every chart has re-rendered with it: ms to the frame after. */
async function smoothingOnce(page: Page, value: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const slider = document.querySelector('[data-testid="compare-smoothing"]');
    const t0 = performance.now();
    slider.value = '${value}';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    const holds = () => [...document.querySelectorAll('[data-testid="compare-chart"]')].every((c) => Number(c.dataset.smoothing) === ${value});
    const tick = () => {
      if (!holds()) { requestAnimationFrame(tick); return; }
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    };
    requestAnimationFrame(tick);
  })`) as Promise<number>;
}

/**
 * Clicking a column's sort button until its header says `dir` and the first
 * drawn row is one of `firstIds` (the runs holding the extreme value): ms to the frame after.
 */
async function sortOnce(page: Page, column: string, dir: 'ascending' | 'descending' | 'none', firstIds: readonly number[]): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const th = document.querySelector('[data-testid="runs-header"][data-column="${column}"]');
    const want = new Set(${JSON.stringify(firstIds.map(String))});
    const t0 = performance.now();
    th.querySelector('[data-testid="runs-sort"]').click();
    const holds = () => {
      const r = document.querySelector('[data-testid="run-row"]');
      return th.getAttribute('aria-sort') === '${dir}' && r !== null && want.has(r.dataset.runId);
    };
    const tick = () => {
      if (!holds()) { requestAnimationFrame(tick); return; }
      requestAnimationFrame(() => resolve(performance.now() - t0));
    };
    requestAnimationFrame(tick);
  })`) as Promise<number>;
}

/**
 * Zooming the step charts to [min, max] (the URL's zoom, as a drag or the
 * wheel sets it once it rests) until the view has re-queried that window and
 * every chart whose x counts steps shows it (per-epoch metrics' charts count
 * epochs and keep their own zoom on the step axis): ms to the second frame
 * after (ECharts paints in its own frame).
 */
async function zoomOnce(page: Page, min: number, max: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const want = '${min},${max}';
    const t0 = performance.now();
    const [path, query = ''] = location.hash.slice(1).split('?');
    const params = new URLSearchParams(query);
    params.set('zoom', want);
    location.hash = path + '?' + params.toString();
    const holds = () => {
      const box = document.querySelector('.compare-charts');
      return box !== null && box.dataset.zoomLoaded === want
        && [...document.querySelectorAll('[data-testid="compare-chart"]')]
          .filter((c) => c.dataset.stepName === 'step').every((c) => c.dataset.zoom === want && Number(c.dataset.points) > 0);
    };
    const tick = () => {
      if (!holds()) { requestAnimationFrame(tick); return; }
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    };
    requestAnimationFrame(tick);
  })`) as Promise<number>;
}

// ---------------------------------------------------------------- the scenarios

type Results = Record<string, number | string>;

function putStat(results: Results, key: string, s: Stat): void {
  results[`${key}.p50_ms`] = round(s.p50);
  results[`${key}.p95_ms`] = round(s.p95);
}

/** Where runs.list's time goes, in this process on the same file: the listing query, the params, the summaries, the headline bests, the tags (as RunService.list reads them). */
function listBreakdown(file: string, experimentId?: number): Record<string, number> {
  const store = openStore(file, { appVersion: 'bench' });
  try {
    const time = <T>(fn: () => T): [T, number] => { const t0 = performance.now(); const v = fn(); return [v, performance.now() - t0]; };
    const out: Record<string, number[]> = { list_runs: [], params: [], latest_metrics: [], best_metrics: [], run_tags: [] };
    for (let i = 0; i < 4; i++) {
      const [runs, a] = time(() => store.listRunSummaries(experimentId === undefined ? {} : { experimentId }));
      const ids = runs.map((r) => r.id);
      const [, p] = time(() => store.paramsOf(ids));
      const [, b] = time(() => store.latestMetrics(ids));
      const [, c] = time(() => store.bestMetrics(ids, headlineMetricKeys()));
      const [, d] = time(() => store.runTags(ids));
      if (i > 0) { out['list_runs']!.push(a); out['params']!.push(p); out['latest_metrics']!.push(b); out['best_metrics']!.push(c); out['run_tags']!.push(d); }
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(stat(v).p50)]));
  } finally {
    store.close();
  }
}

interface Context { page: Page; serve: ServeProcess; repeats: number; results: Results; file: string }

async function tableAndFilter(c: Context, largest: { id: number; runs: number }): Promise<void> {
  const { page, serve, repeats, results } = c;
  const api = await apiStat<RunSummary[]>(serve, 'runs.list', [{ experimentId: largest.id }], repeats);
  results['compare.table.rows'] = api.result.length;
  results['compare.table.api_response_kb'] = round(api.bytes / 1024);
  putStat(results, 'compare.table.api', api.stat);
  const first = await loadStats(page, serve, `/experiments/${largest.id}`, { kind: 'table-first', rows: largest.runs, first: api.result[0]?.id ?? 0 }, repeats);
  putStat(results, 'compare.table.first_rows', first.total);
  const load = await loadStats(page, serve, `/experiments/${largest.id}`, { kind: 'table', rows: largest.runs, first: api.result[0]?.id ?? 0 }, repeats);
  putStat(results, 'compare.table', load.total);
  putStat(results, 'compare.table.page_first_api_start', load.firstApiStart);
  putStat(results, 'compare.table.page_api_end', load.lastApiEnd);
  putStat(results, 'compare.table.page_after_api', load.client);
  if (load.api['runs.list']) putStat(results, 'compare.table.page_runs_list', load.api['runs.list']);
  for (const [k, v] of Object.entries(listBreakdown(c.file, largest.id))) results[`compare.table.server_${k}_ms`] = v;

  const expected = [];
  for (const filter of FILTERS) {
    const r = await timedCall<RunSummary[]>(serve, 'runs.list', { experimentId: largest.id, filter });
    expected.push({ filter, rows: r.result.length, first: r.result[0]?.id ?? 0 });
  }
  if (expected.some((e) => e.rows === 0) || (expected[0]!.rows === expected[1]!.rows && expected[0]!.first === expected[1]!.first)) {
    throw new Error(`the filters must keep different, non-empty sets of runs: ${JSON.stringify(expected)}`);
  }
  const fapi = await apiStat<RunSummary[]>(serve, 'runs.list', FILTERS.map((filter) => ({ experimentId: largest.id, filter })), repeats);
  putStat(results, 'compare.filter.api', fapi.stat);
  const ms: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const e = expected[i % 2]!;
    const t = await filterOnce(page, e.filter, e.rows, e.first);
    if (i > 0) ms.push(t);
  }
  putStat(results, 'compare.filter', stat(ms));
  expected.forEach((e, i) => { results[`compare.filter.rows_${i + 1}`] = e.rows; results[`compare.filter.expr_${i + 1}`] = e.filter; });
  await sortByMetric(c, largest, api.result);
}

const SORT_COLUMN = 'metrics.test_accuracy.best';

/** The runs holding the least and the greatest `best` of test_accuracy (the first row sorted up, and down). */
async function sortTargets(serve: ServeProcess, runs: readonly RunSummary[]): Promise<{ asc: number[]; desc: number[] }> {
  const best = new Map<number, number>();
  for (let i = 0; i < runs.length; i += 1000) {
    const ids = runs.slice(i, i + 1000).map((r) => r.id);
    const answer = await timedCall<RunMetricSummaries[]>(serve, 'runs.summaries', { ids, keys: ['test_accuracy'] });
    for (const s of answer.result) {
      const v = s.metrics['test_accuracy']?.best;
      if (typeof v === 'number') best.set(s.runId, v);
    }
  }
  const values = [...best.values()];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return { asc: [...best].filter(([, v]) => v === lo).map(([id]) => id), desc: [...best].filter(([, v]) => v === hi).map(([id]) => id) };
}

/**
 * The largest experiment's table with a metric column (its summaries fetched
 * once), sorted by it: click → ascending, click → descending (measured), click
 * → back to the default order (not measured).
 */
async function sortByMetric(c: Context, largest: { id: number; runs: number }, runs: readonly RunSummary[]): Promise<void> {
  const { page, serve, repeats, results } = c;
  const targets = await sortTargets(serve, runs);
  const state = { ...defaultRunsTableState(), columns: [...defaultRunsTableState().columns, { id: SORT_COLUMN, width: null }] };
  await page.evaluate(`localStorage.setItem(${JSON.stringify(`latent.runsTable.${largest.id}`)}, ${JSON.stringify(JSON.stringify(state))})`);
  await loadUntil(page, serve, `/experiments/${largest.id}`, { kind: 'table', rows: largest.runs, first: runs[0]?.id ?? 0 });
  // The metric cells are filled once runs.summaries has answered for every run.
  await waitForValue(page, `(() => {
    const cells = [...document.querySelectorAll('[data-testid="run-row"] td[data-column="${SORT_COLUMN}"]')];
    return cells.length > 0 && cells.every((td) => td.textContent.trim() !== '' && td.textContent.trim() !== '—') ? true : undefined;
  })()`, 120_000);
  const ms: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const up = await sortOnce(page, SORT_COLUMN, 'ascending', targets.asc);
    const down = await sortOnce(page, SORT_COLUMN, 'descending', targets.desc);
    await sortOnce(page, SORT_COLUMN, 'none', [runs[0]?.id ?? 0]);
    if (i > 0) ms.push(up, down);
  }
  putStat(results, 'compare.sort', stat(ms));
  await page.evaluate(`localStorage.removeItem(${JSON.stringify(`latent.runsTable.${largest.id}`)})`);
}

async function overlay(c: Context, ids: number[]): Promise<void> {
  const { page, serve, repeats, results } = c;
  let body: unknown;
  const onRequest = (r: { url(): string; postData(): string | null }): void => {
    if (r.url().endsWith('/api/runs.compareSeries')) body = JSON.parse(r.postData() ?? 'null');
  };
  page.on('request', onRequest);
  const hash = `/compare?runs=${ids.join(',')}&metrics=${KEYS.join(',')}`;
  const load = await loadStats(page, serve, hash, { kind: 'compare', charts: KEYS.length, series: ids.length }, repeats);
  page.off('request', onRequest);
  putStat(results, 'compare.overlay_100', load.total);
  putStat(results, 'compare.overlay_100.page_first_api_start', load.firstApiStart);
  putStat(results, 'compare.overlay_100.page_api_end', load.lastApiEnd);
  putStat(results, 'compare.overlay_100.page_after_api', load.client);
  for (const [m, s] of Object.entries(load.api)) putStat(results, `compare.overlay_100.page_${m.replace('runs.', '')}`, s);
  if (!body) throw new Error('the compare view made no runs.compareSeries call');
  const series = await apiStat<CompareSeries[]>(serve, 'runs.compareSeries', [body], repeats);
  putStat(results, 'compare.overlay_100.api_compare_series', series.stat);
  results['compare.overlay_100.series'] = series.result.length;
  results['compare.overlay_100.points_drawn'] = series.result.reduce((n, s) => n + s.xs.length, 0);
  results['compare.overlay_100.points_stored'] = series.result.reduce((n, s) => n + s.total, 0);
  // The one NaN of the database is in one of these runs: the downsampler must keep it.
  results['compare.overlay_100.nonfinite_points_drawn'] = series.result.reduce((n, s) => n + s.ys.filter((y) => typeof y === 'string').length, 0);
  results['compare.overlay_100.api_response_kb'] = round(series.bytes / 1024);
  const buckets = (body as { buckets?: number }).buckets ?? 0;
  results['compare.overlay_100.buckets'] = buckets;

  const ms: number[] = [];
  const values = [0.6, 0.9, 0.3, 0.75];
  for (let i = 0; i <= repeats; i++) {
    const t = await smoothingOnce(page, values[i % values.length]!);
    if (i > 0) ms.push(t);
  }
  putStat(results, 'compare.smoothing', stat(ms));

  const maxStep = Math.max(...series.result.filter((s) => s.key === 'loss').map((s) => s.xs.at(-1) ?? 0));
  const range = { min: Math.round(maxStep * 0.4), max: Math.round(maxStep * 0.6) };
  const zoom = await apiStat<CompareSeries[]>(serve, 'runs.compareSeries', [{ ids, keys: [...KEYS], x: 'step', buckets, range }], repeats);
  putStat(results, 'compare.zoom.api', zoom.stat);
  results['compare.zoom.range'] = `${range.min}..${range.max}`;
  results['compare.zoom.points_drawn'] = zoom.result.reduce((n, s) => n + s.xs.length, 0);
  const other = { min: Math.round(maxStep * 0.2), max: Math.round(maxStep * 0.3) };
  const zms: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const r = i % 2 === 0 ? range : other;
    const t = await zoomOnce(page, r.min, r.max);
    if (i > 0) zms.push(t);
  }
  putStat(results, 'compare.zoom', stat(zms));
}

async function allRuns(c: Context): Promise<void> {
  const api = await apiStat<RunSummary[]>(c.serve, 'runs.list', [{}], c.repeats);
  c.results['compare.all_runs.rows'] = api.result.length;
  c.results['compare.all_runs.api_response_kb'] = round(api.bytes / 1024);
  putStat(c.results, 'compare.all_runs.api', api.stat);
  for (const [k, v] of Object.entries(listBreakdown(c.file))) c.results[`compare.all_runs.server_${k}_ms`] = v;
  const filtered = await apiStat<RunSummary[]>(c.serve, 'runs.list', FILTERS.map((filter) => ({ filter })), c.repeats);
  putStat(c.results, 'compare.all_runs_filter.api', filtered.stat);
  const first = await loadStats(c.page, c.serve, '/runs', { kind: 'table-first', rows: api.result.length, first: api.result[0]?.id ?? 0 }, c.repeats);
  putStat(c.results, 'compare.all_runs.first_rows', first.total);
  const load = await loadStats(c.page, c.serve, '/runs', { kind: 'table', rows: api.result.length, first: api.result[0]?.id ?? 0 }, c.repeats);
  putStat(c.results, 'compare.all_runs', load.total);
  putStat(c.results, 'compare.all_runs.page_api_end', load.lastApiEnd);
  putStat(c.results, 'compare.all_runs.page_after_api', load.client);
}

// ---------------------------------------------------------------- issue 17: the UI side of speed

const LONG_RUN_STEPS = 200_000;
/** What the run page asks for (renderer/stores/runsStore.ts RUN_PAGE_MAX_POINTS). */
const RUN_PAGE_MAX_POINTS = 2000;

/**
 * The largest experiment's page (time to the table painted, the page's DOM
 * nodes and its run rows in the DOM) and a 200,000-step run: runs.metrics
 * whole vs thinned to maxPoints (interleaved, bytes and time), and its page
 * until a chart has drawn the loss. Run last: it adds the long run's experiment.
 */
async function uiSpeed(c: Context, largest: { id: number; runs: number; first: number }): Promise<void> {
  const { page, serve, repeats, results } = c;
  const k = 'compare.ui_speed';
  const table = await loadStats(page, serve, `/experiments/${largest.id}`, { kind: 'table', rows: largest.runs, first: largest.first }, repeats);
  results[`${k}.experiment.runs`] = largest.runs;
  putStat(results, `${k}.experiment.table_painted`, table.total);
  results[`${k}.experiment.dom_nodes.p50`] = table.nodes.p50;
  results[`${k}.experiment.dom_nodes.p95`] = table.nodes.p95;
  results[`${k}.experiment.run_rows_in_dom`] = Number(await page.evaluate(`document.querySelectorAll('[data-testid="run-row"]').length`));
  results[`${k}.experiment.api_kb.p50`] = round(table.apiBytes.p50 / 1024);

  const id = ensureLongRun(c.file, largest.first, LONG_RUN_STEPS);
  results[`${k}.run_200k.steps`] = LONG_RUN_STEPS;
  const whole: number[] = [];
  const thin: number[] = [];
  let bytes = { whole: 0, thin: 0 };
  let thinPoints = 0;
  await timedCall(serve, 'runs.metrics', { id });
  for (let i = 0; i < repeats; i++) {
    const a = await timedCall<MetricSeries[]>(serve, 'runs.metrics', { id });
    const b = await timedCall<MetricSeries[]>(serve, 'runs.metrics', { id, maxPoints: RUN_PAGE_MAX_POINTS });
    whole.push(a.ms);
    thin.push(b.ms);
    bytes = { whole: a.bytes, thin: b.bytes };
    thinPoints = b.result.reduce((n, s) => n + s.steps.length, 0);
  }
  putStat(results, `${k}.run_200k.metrics_full.api`, stat(whole));
  putStat(results, `${k}.run_200k.metrics_max${RUN_PAGE_MAX_POINTS}.api`, stat(thin));
  results[`${k}.run_200k.metrics_full.api_kb`] = round(bytes.whole / 1024);
  results[`${k}.run_200k.metrics_max${RUN_PAGE_MAX_POINTS}.api_kb`] = round(bytes.thin / 1024);
  results[`${k}.run_200k.metrics_max${RUN_PAGE_MAX_POINTS}.points`] = thinPoints;
  const chart = await loadStats(page, serve, `/runs/${id}`, { kind: 'run-chart', points: 100 }, repeats);
  putStat(results, `${k}.run_200k.chart_drawn`, chart.total);
  putStat(results, `${k}.run_200k.page_api_end`, chart.lastApiEnd);
  results[`${k}.run_200k.page_api_kb.p50`] = round(chart.apiBytes.p50 / 1024);
  results[`${k}.run_200k.points_drawn`] = Number(await page.evaluate(`Math.max(0, ...[...document.querySelectorAll('.metric-chart')].map((c) => Number(c.dataset.points)))`));
  results[`${k}.run_200k.dom_nodes.p50`] = chart.nodes.p50;
  // The database read behind runs.metrics, in this process on fresh files (bench/longRunMetrics.ts).
  Object.assign(results, measureLongRunMetrics(LONG_RUN_STEPS, Math.max(repeats, 9)));
}

// ---------------------------------------------------------------- main

export async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10000' },
      experiments: { type: 'string', default: '20' },
      points: { type: 'string', default: '10000000' },
      repeats: { type: 'string', default: '7' },
      data: { type: 'string' },
      keep: { type: 'boolean', default: false },
      /** `ui`: only the issue-17 section (uiSpeed), its keys merged into the existing compare.json. */
      only: { type: 'string' },
    },
  });
  if (values.only !== undefined && values.only !== 'ui') throw new Error('--only takes ui (the issue-17 UI-speed section alone)');
  const plan: SeedPlan = { runs: Number(values.runs), experiments: Number(values.experiments), points: Number(values.points) };
  const repeats = Number(values.repeats);
  if (!Number.isInteger(plan.runs) || plan.runs < 100) throw new Error('--runs must be a whole number ≥ 100 (the overlay compares 100)');
  if (!Number.isInteger(plan.experiments) || plan.experiments < 1) throw new Error('--experiments must be a whole number ≥ 1');
  if (!Number.isInteger(plan.points) || plan.points < plan.runs * 40) throw new Error('--points must be at least 40 a run');
  if (!Number.isInteger(repeats) || repeats < 5) throw new Error('--repeats must be a whole number ≥ 5');
  const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'lw-bench-compare-'));
  const seeded = seed(dataDir, plan);
  const file = join(dataDir, 'workbench.sqlite');

  const results: Results = {};
  const serve = await startServe(dataDir);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.addInitScript(WAIT_PROBE);
    await page.goto(`${serve.origin}/?token=${serve.token}#/`);
    const c: Context = { page, serve, repeats, results, file };

    const all = (await timedCall<RunSummary[]>(serve, 'runs.list', {})).result;
    const byExp = new Map<number, RunSummary[]>();
    for (const r of all) byExp.set(r.experimentId, [...(byExp.get(r.experimentId) ?? []), r]);
    const [largestId, largestRuns] = [...byExp].sort((a, b) => b[1].length - a[1].length)[0]!;
    results['compare.largest_experiment_runs'] = largestRuns.length;
    const largest = { id: largestId, runs: largestRuns.length, first: largestRuns[0]?.id ?? 0 };
    if (values.only === 'ui') {
      console.error(`(g) the UI side of speed: experiment ${largestId}'s page, a ${LONG_RUN_STEPS}-step run`);
      await uiSpeed(c, largest);
      mergeUiResults(seeded, results, repeats, browser.version());
      return;
    }
    console.error(`(a, b) the table of experiment ${largestId} (${largestRuns.length} runs) and its filter`);
    await tableAndFilter(c, { id: largestId, runs: largestRuns.length });
    console.error('(c) the all-runs page');
    await allRuns(c);
    const ids = [seeded.nanRunId, ...largestRuns.map((r) => r.id).filter((id) => id !== seeded.nanRunId).slice(0, 99)];
    console.error('(d, e, f) the compare view of 100 runs, its smoothing, a zoom');
    await overlay(c, ids);
    console.error(`(g) the UI side of speed: experiment ${largestId}'s page, a ${LONG_RUN_STEPS}-step run`);
    await uiSpeed(c, largest);
    results['compare.console_errors'] = problems.length;
    writeResults(seeded, results, repeats, browser.version());
  } finally {
    await browser?.close();
    await serve.stop();
    if (!values.data && !values.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

function writeResults(seeded: SeedReport, measured: Results, repeats: number, chromium: string): void {
  const { plan } = seeded;
  const results: Results = {
    'compare.runs': plan.runs,
    'compare.experiments': plan.experiments,
    'compare.points': seeded.ingest.points,
    'compare.ingest.points_per_s': Math.round(seeded.ingest.points / seeded.ingest.seconds),
    'compare.ingest.seconds': round(seeded.ingest.seconds),
    'compare.ingest_no_summaries.points_per_s': Math.round(seeded.ingestNoSummaries.points / seeded.ingestNoSummaries.seconds),
    'compare.ingest_no_summaries.seconds': round(seeded.ingestNoSummaries.seconds),
    'compare.ingest.batch_points': INGEST_BATCH,
    'compare.create_runs.seconds': round(seeded.createRunsSeconds),
    'compare.db_mb': round(seeded.dbMb),
    'compare.db_mb_no_summaries': round(seeded.dbMbNoSummaries),
    ...measured,
  };
  // The issue's single-number keys, from the detailed ones.
  results['compare.filter.api_p95_ms'] = results['compare.filter.api.p95_ms']!;
  results['compare.filter.api_p50_ms'] = results['compare.filter.api.p50_ms']!;
  results['compare.all_runs.api_p95_ms'] = results['compare.all_runs.api.p95_ms']!;
  results['compare.zoom.api_p95_ms'] = results['compare.zoom.api.p95_ms']!;
  const out = {
    benchmark: 'compare',
    description: description(plan, repeats),
    date: new Date().toISOString(),
    machine: { ...machineInfo(), chromium: `${chromiumPath()} ${chromium}` },
    ui_speed: uiSpeedDescription(plan, repeats),
    results,
  };
  const dir = join(appRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'compare.json');
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  printTable(results);
  console.log(`\nWrote ${path}`);
}

function description(plan: SeedPlan, repeats: number): string {
  return [
    `Run comparison against serve (headless Chromium, --disable-gpu, 1280×900). Seeded data: ${plan.runs} classifier runs across ${plan.experiments} experiments (Zipf-sized: experiment k gets a share ∝ 1/k, so the largest holds largest_experiment_runs), status done, learningRate log-uniform in [1e-5, 1e-1], batchSize 32–256, optimizer adam/sgd/momentum, a seed, mlp or lenet, 0–3 tags; ${plan.points} metric points in total (about ${Math.floor(plan.points / plan.runs)} a run): loss every step (noisy, decreasing to a floor set by how far the learning rate is from 1e-3, a ×4 spike in 30 % of the runs, exactly one NaN in the whole database), accuracy / val_accuracy / test_accuracy once an epoch (5–20 epochs).`,
    `Ingest: the points in training order through store.appendMetrics in batches of ${INGEST_BATCH} (the host's MetricBatcher maximum), one transaction each, so latest_metrics' per-key summaries are upserted per point as in production (ingest.*); the same points as a plain INSERT into metrics in the same batches and transactions, with the same periodic WAL checkpoint, on a copy of the database taken before any point was written (ingest_no_summaries.*). Only the time inside the write calls counts. db_mb = workbench.sqlite after a WAL checkpoint (db_mb_no_summaries: the copy without the summaries).`,
    `Interactions: 1 warm-up, then ${repeats} repeats; p50/p95 are nearest-rank. *.api.* = HTTP round trip of the call from the benchmark process (JSON parsed). UI times are in the page, to the animation frame after the result is in the DOM (checked each frame, so up to one frame late), from the navigation start for page loads: table = a fresh load of #/experiments/<largest> until the (virtualised) table counts all its rows and draws the first; table.first_rows = the same load until the first row is drawn (the page lists the newest 200 runs first, then the rest); page_first_api_start = when the page's first API call started (the app's boot: loading and running its scripts), page_api_end = when its last API answer ended (Resource Timing), page_after_api = the rest (JSON decode, Vue render, layout, charts), page_<method> = each API call's duration as the page saw it; server_*_ms = the parts of runs.list timed in this process on the same file (listRunSummaries, paramsOf, latestMetrics, bestMetrics from the summaries for the headline keys, runTags).`,
    `filter = from the Enter keydown in runs-filter (filled with one of two expressions in turn, filter.expr_1/2) until the table counts that filter's rows and draws its first; filter.api = runs.list with experimentId and the filter. sort = the largest experiment's table with a metrics.test_accuracy.best column (its runs.summaries fetched once, 1,000 runs a call), from a click on that column's sort button until the header says ascending (or descending) and the first drawn row holds the least (greatest) value: sorting is in the window, no API call. all_runs = a fresh load of #/runs (every run, virtualised) until it counts them all and draws the first; all_runs.first_rows = until its first row is drawn; all_runs.api = runs.list of every run; all_runs_filter.api = the same with the two filters. overlay_100 = a fresh load of #/compare?runs=<100 runs of the largest experiment, the NaN run among them>&metrics=loss,accuracy,val_accuracy,test_accuracy until each of the 4 compare-chart elements has data-series = 100 and points; api_compare_series = the page's own runs.compareSeries request replayed (its buckets: overlay_100.buckets; nonfinite_points_drawn counts the NaN kept by the downsampler). smoothing = from setting the slider (input event) until every chart's data-smoothing is the new value, to the second frame after (ECharts paints in its own frame). zoom.api = runs.compareSeries of the same 100 runs and 4 keys with a range (the middle fifth of the steps); zoom = setting the view's zoom (the URL's zoom, alternately that window and [20 %, 30 %] of the steps) until the view has re-queried it (the whole range and the window, joined) and the loss chart shows it, to the second frame after.`,
  ].join(' ');
}

/** What the compare.ui_speed.* keys mean, and on what data they were measured (they may come from a later, smaller run than the rest). */
function uiSpeedDescription(plan: SeedPlan, repeats: number): { description: string; date: string; seeded: SeedPlan; repeats: number } {
  return {
    description: `Issue 17, the UI side of speed. compare.ui_speed.experiment.* = a fresh load of the largest experiment's page (experiment.runs runs) until its table counts every run and draws the first (table_painted, from navigation start, to the frame after), the page's element count at that frame (dom_nodes: document.getElementsByTagName('*')), the run rows in the DOM after the load (run_rows_in_dom: the table is virtualised) and the page's API bytes (api_kb, Resource Timing encodedBodySize). compare.ui_speed.run_200k.* = one classifier run with ${LONG_RUN_STEPS} loss points (one a step, a ×5 spike at step 123457) and 20 test_accuracy points, in its own experiment: runs.metrics whole (metrics_full: the run page before this change fetched this) and with maxPoints ${RUN_PAGE_MAX_POINTS} (min/max per bucket, what the run page fetches now), called alternately (A, B, …) from the benchmark process, HTTP round trip with JSON parsed, their bytes and points; chart_drawn = a fresh load of #/runs/<id> until a run chart has drawn ≥ 100 points, to the frame after; page_api_kb = that page's API bytes; points_drawn = the most points one chart drew. ${repeats} repeats after a warm-up, p50/p95 nearest rank. compare.ui_speed.long_run* = the read behind runs.metrics in the benchmark process (bench/longRunMetrics.ts): getMetrics then maxPoints ${RUN_PAGE_MAX_POINTS} thinning on a fresh ${LONG_RUN_STEPS}-step run, the row-object read before (rows) vs the column aggregate (columns), each also with a covering (run_id, key, step, value, wall_time) index in place of (run_id, key, step) (*_covering), the unthinned read (full_*) and a zoom to the middle fifth (zoom_*), interleaved, min and median ms; the ingest rate and database size with and without that index. Shared 2-core machine: other jobs ran at the same time.`,
    date: new Date().toISOString(),
    seeded: plan,
    repeats,
  };
}

/** `--only ui`: the issue-17 keys replace their old values in the existing compare.json; everything else in it stays. */
function mergeUiResults(seeded: SeedReport, measured: Results, repeats: number, chromium: string): void {
  const path = join(appRoot, 'bench', 'results', 'compare.json');
  const old = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as { results?: Results } & Record<string, unknown> : {};
  const kept = Object.entries(old.results ?? {}).filter(([key]) => !key.startsWith('compare.ui_speed.'));
  const fresh = Object.entries(measured).filter(([key]) => key.startsWith('compare.ui_speed.'));
  const out = {
    ...old,
    ui_speed: { ...uiSpeedDescription(seeded.plan, repeats), machine: { ...machineInfo(), chromium: `${chromiumPath()} ${chromium}` } },
    results: Object.fromEntries([...kept, ...fresh]),
  };
  writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
  for (const [key, value] of fresh) console.log(`${key}: ${value}`);
  console.log(`\nMerged the UI-speed keys into ${path}`);
}

function printTable(r: Results): void {
  const v = (k: string): string => (r[k] === undefined ? '–' : String(r[k]));
  console.log(`\nRun comparison: ${v('compare.runs')} runs, ${v('compare.points')} points, ${v('compare.db_mb')} MB; ingest ${v('compare.ingest.points_per_s')} points/s with summaries, ${v('compare.ingest_no_summaries.points_per_s')} without\n`);
  console.log('| interaction | UI p50 ms | UI p95 ms | API p50 ms | API p95 ms |');
  console.log('|---|---:|---:|---:|---:|');
  const row = (name: string, ui: string | null, api: string | null): void => {
    const cell = (k: string | null, p: string): string => (k ? v(`${k}.${p}_ms`) : '–');
    console.log(`| ${name} | ${cell(ui, 'p50')} | ${cell(ui, 'p95')} | ${cell(api, 'p50')} | ${cell(api, 'p95')} |`);
  };
  row(`open the largest experiment's table: its first rows`, 'compare.table.first_rows', null);
  row(`open the largest experiment's table: all ${v('compare.table.rows')} rows`, 'compare.table', 'compare.table.api');
  row('apply a filter', 'compare.filter', 'compare.filter.api');
  row('sort by a metric (client only)', 'compare.sort', null);
  row('open the all-runs page: its first rows', 'compare.all_runs.first_rows', null);
  row(`open the all-runs page: all ${v('compare.all_runs.rows')} rows`, 'compare.all_runs', 'compare.all_runs.api');
  row('open the compare view, 100 runs × 4 metrics', 'compare.overlay_100', 'compare.overlay_100.api_compare_series');
  row('change the smoothing (client only)', 'compare.smoothing', null);
  row('zoom (re-query the visible range)', 'compare.zoom', 'compare.zoom.api');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
