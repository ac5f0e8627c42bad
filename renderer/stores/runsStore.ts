/**
 * Runs: summaries by id, the list per experiment (narrowed by its filter
 * expression, when one is set), details of opened runs, and for every run on
 * screen its metric series and log lines, kept live from the runs.onDid*
 * events and refetched after a reconnect. Also the calls the compare view
 * makes: runs by id, tags, metric summaries, downsampled series, and the
 * full-resolution series its long-format export writes.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { RunConfigInput } from '../../workers/common/runConfig';
import type { MetricPoint } from '../../workers/common/protocol';
import { terminalStatuses, type CompareSeries, type LogLine, type MetricSeries, type RunDeletion, type RunDetail, type RunMetricSummaries, type RunMetricSummary, type RunSummary } from '../../main/common/domain';
import type { ApiRequest } from '../../main/common/api';
import { ApiCallError, getApiClient } from '../api';
import { appendPoints, seriesFromResponse, type RunSeries, type SeriesData } from '../lib/metricSeries';
import { useExperimentsStore } from './experimentsStore';

const LOG_PAGE_ROUNDS = 20;
/** Runs per runs.list call when fetching by id (`id = 1 or id = 2 …` stays well under the filter's 2,000 characters). */
const IDS_PER_LIST = 150;
/** runs.summaries takes at most this many ids per call. */
const IDS_PER_SUMMARIES = 1000;
/**
 * A run page's series arrive thinned to this many points each (min/max per
 * bucket on the server, so spikes and NaNs stay); a zoomed chart asks for its
 * window again (metricsWindow). About twice a wide chart's pixel columns.
 */
export const RUN_PAGE_MAX_POINTS = 2000;
/** The key of the all-experiments runs list in the per-experiment maps (experiment ids start at 1). */
export const ALL_RUNS = 0;

/** The server's complaint about a filter, with the span of the text it points at. */
export interface FilterError {
  filter: string;
  message: string;
  start: number;
  end: number;
}

/** A bad-request about the `filter` field, as a FilterError (the whole text underlined when the server gave no span). */
function filterErrorOf(err: unknown, filter: string): FilterError | null {
  if (!(err instanceof ApiCallError) || err.code !== 'bad-request') return null;
  const issue = err.issues.find((i) => i.path[0] === 'filter');
  if (!issue) return null;
  const start = Math.max(0, Math.min(issue.span?.start ?? 0, filter.length));
  const end = Math.max(start, Math.min(issue.span?.end ?? filter.length, filter.length));
  return { filter, message: issue.message, start, end };
}

export const useRunsStore = defineStore('runs', () => {
  const client = getApiClient();
  const experiments = useExperimentsStore();

  const summaries = ref<Record<number, RunSummary>>({});
  const details = ref<Record<number, RunDetail>>({});
  const idsByExperiment = ref<Record<number, number[]>>({});
  /** Each experiment's filter expression ('' keeps every run), and the error of the last one tried, if it was refused. */
  const filters = ref<Record<number, string>>({});
  const filterErrors = ref<Record<number, FilterError | null>>({});
  /** Experiments whose table shows archived runs too (runs.list's includeArchived). */
  const showArchived = ref<Record<number, boolean>>({});
  /** Runs pages whose first rows are shown while the rest of the list is on its way (openRuns). */
  const partial = ref<Record<number, boolean>>({});
  const logs = ref<Record<number, LogLine[]>>({});
  /**
   * Metric summaries (last, best, min, max) of listed runs, for the keys the
   * runs tables show, by run id then key. Replaced as a whole on each fetch
   * (shallow: 10,000 runs must not be made deeply reactive).
   */
  const tableMetrics = shallowRef(new Map<number, Record<string, RunMetricSummary>>());
  /** Bumped whenever a run's metric cache changes; charts watch it. */
  const metricsVersion = ref<Record<number, number>>({});

  // Not reactive on purpose: large arrays, versioned through metricsVersion.
  const series = new Map<number, RunSeries>();
  const pendingPoints = new Map<number, MetricPoint[]>();
  const pendingLogs = new Map<number, LogLine[]>();
  const metricsInFlight = new Map<number, Promise<void>>();
  const metricsAgain = new Set<number>();
  const logsInFlight = new Map<number, Promise<void>>();
  const detailInFlight = new Map<number, Promise<RunDetail>>();
  const watchers = new Map<number, number>();
  /** The latest runs.list per experiment: an older answer arriving late must not replace a newer one. */
  const listSeq = new Map<number, number>();

  // ---- getters -----------------------------------------------------------

  function run(id: number): RunDetail | RunSummary | undefined {
    return details.value[id] ?? summaries.value[id];
  }

  /** Starred runs first, then newest first. */
  function runsForExperiment(experimentId: number): RunSummary[] {
    const ids = idsByExperiment.value[experimentId] ?? [];
    return ids
      .map((id) => summaries.value[id])
      .filter((r): r is RunSummary => r !== undefined)
      .sort((a, b) => Number(b.starred) - Number(a.starred) || b.createdAt - a.createdAt || b.id - a.id);
  }

  /** Reactive through metricsVersion: re-read when the version changes. */
  function getSeries(runId: number, key: string): SeriesData | undefined {
    void metricsVersion.value[runId];
    return series.get(runId)?.get(key);
  }

  function metricKeys(runId: number): string[] {
    void metricsVersion.value[runId];
    return [...(series.get(runId)?.keys() ?? [])];
  }

  // ---- cache updates -------------------------------------------------------

  function bumpMetrics(runId: number): void {
    metricsVersion.value[runId] = (metricsVersion.value[runId] ?? 0) + 1;
  }

  function upsertSummary(next: RunSummary): RunSummary | undefined {
    const prev = summaries.value[next.id];
    // A status event without progress must not wipe the progress the progress events built.
    const merged: RunSummary = next.progress === null && next.status === 'running' && prev?.progress
      ? { ...next, progress: prev.progress }
      : next;
    summaries.value[next.id] = merged;
    const d = details.value[next.id];
    if (d) details.value[next.id] = { ...d, ...merged };
    // A run new to a loaded list is one the experiment's count has not seen (an opened run page's is not).
    if (!prev && idsByExperiment.value[next.experimentId]) experiments.noteNewRun(next.experimentId);
    // The run's experiment's list and, when it is loaded, the all-experiments list.
    for (const key of [next.experimentId, ALL_RUNS]) updateList(key, prev, next);
    return prev;
  }

  function updateList(key: number, prev: RunSummary | undefined, next: RunSummary): void {
    const list = idsByExperiment.value[key];
    if (!list) return;
    if (filters.value[key]) {
      // Whether the run passes the filter is the server's to say (metric summaries, tags, notes): ask again.
      if (!prev || filterInputChanged(prev, next)) void fetchRuns(key).catch(() => {});
    } else if (next.archived && !showArchived.value[key]) {
      // Archived while the table hides archived runs: it leaves the table.
      const at = list.indexOf(next.id);
      if (at >= 0) list.splice(at, 1);
    } else if (!list.includes(next.id)) {
      list.unshift(next.id);
    }
  }

  /** Whether a change to a run may change which filters it passes (what the filter language reads of it, but metrics). */
  function filterInputChanged(prev: RunSummary, next: RunSummary): boolean {
    return prev.status !== next.status || prev.name !== next.name || prev.notes !== next.notes
      || prev.starred !== next.starred || prev.archived !== next.archived || prev.tags.join('\n') !== next.tags.join('\n');
  }

  /** Forgets a deleted run everywhere it is cached. */
  function forgetRun(id: number): void {
    delete summaries.value[id];
    delete details.value[id];
    if (tableMetrics.value.has(id)) {
      const next = new Map(tableMetrics.value);
      next.delete(id);
      tableMetrics.value = next;
    }
    for (const list of Object.values(idsByExperiment.value)) {
      const at = list.indexOf(id);
      if (at >= 0) list.splice(at, 1);
    }
  }

  function setDetail(detail: RunDetail): RunDetail {
    details.value[detail.id] = detail;
    const { config: _c, architecture: _a, datasetHash: _h, appVersion: _v, checkpoint: _k, resumable: _r, ...summary } = detail;
    upsertSummary(summary);
    return detail;
  }

  // ---- fetching ------------------------------------------------------------

  /**
   * The experiment's runs through its current filter. A refused filter keeps
   * the last good list and sets filterErrors; a late answer to an older call
   * is dropped.
   */
  async function fetchRuns(experimentId: number): Promise<RunSummary[]> {
    const filter = filters.value[experimentId] ?? '';
    const seq = (listSeq.get(experimentId) ?? 0) + 1;
    listSeq.set(experimentId, seq);
    let list: RunSummary[];
    try {
      const includeArchived = showArchived.value[experimentId] === true;
      list = await client.call('runs.list', { ...(experimentId === ALL_RUNS ? {} : { experimentId }), ...(filter ? { filter } : {}), ...(includeArchived ? { includeArchived } : {}) });
    } catch (err) {
      const fault = filterErrorOf(err, filter);
      if (!fault) throw err;
      if (listSeq.get(experimentId) === seq) filterErrors.value[experimentId] = fault;
      return runsForExperiment(experimentId);
    }
    if (listSeq.get(experimentId) !== seq) return runsForExperiment(experimentId);
    for (const r of list) summaries.value[r.id] = r;
    idsByExperiment.value[experimentId] = list.map((r) => r.id);
    filterErrors.value[experimentId] = null;
    return list;
  }

  /** A runs page's first rows: drawn before the rest of a long list arrives. */
  const FIRST_PAGE = 200;

  /**
   * Opening a runs page: its first FIRST_PAGE runs (the newest, in the
   * list's order), then, when there are more, the whole list in a second
   * call; `partial[scope]` is true in between. 10,000 runs take half a second
   * to list and send; their first rows, a few tens of milliseconds.
   * A page opened again (back-navigation) already shows its whole list from
   * before: it is refreshed in one call, so the table is not cut to its
   * first 200 rows and then drawn whole again (issue 17).
   */
  async function openRuns(experimentId: number): Promise<RunSummary[]> {
    if (idsByExperiment.value[experimentId] !== undefined && partial.value[experimentId] !== true) return fetchRuns(experimentId);
    const filter = filters.value[experimentId] ?? '';
    const includeArchived = showArchived.value[experimentId] === true;
    const req = { ...(experimentId === ALL_RUNS ? {} : { experimentId }), ...(filter ? { filter } : {}), ...(includeArchived ? { includeArchived } : {}) };
    const seq = (listSeq.get(experimentId) ?? 0) + 1;
    listSeq.set(experimentId, seq);
    let first: RunSummary[];
    try {
      first = await client.call('runs.list', { ...req, limit: FIRST_PAGE });
    } catch {
      // A refused filter or a failed first page: the whole list says why, as fetchRuns does.
      return fetchRuns(experimentId);
    }
    if (listSeq.get(experimentId) !== seq) return runsForExperiment(experimentId);
    for (const r of first) summaries.value[r.id] = r;
    idsByExperiment.value[experimentId] = first.map((r) => r.id);
    filterErrors.value[experimentId] = null;
    if (first.length < FIRST_PAGE) return first;
    partial.value[experimentId] = true;
    try {
      return await fetchRuns(experimentId);
    } finally {
      partial.value[experimentId] = false;
    }
  }

  /** Sets an experiment's filter expression (trimmed) and fetches its runs through it. */
  function applyFilter(experimentId: number, filter: string): Promise<RunSummary[]> {
    filters.value[experimentId] = filter.trim();
    return fetchRuns(experimentId);
  }

  /** Shows or hides an experiment's archived runs, and fetches its runs again. */
  function setShowArchived(experimentId: number, show: boolean): Promise<RunSummary[]> {
    showArchived.value[experimentId] = show;
    return fetchRuns(experimentId);
  }

  /** The runs with these ids that exist, in the order asked, with their summaries cached (the compare view's legend). */
  async function fetchRunsByIds(ids: readonly number[]): Promise<RunSummary[]> {
    const found = new Map<number, RunSummary>();
    for (let i = 0; i < ids.length; i += IDS_PER_LIST) {
      const filter = ids.slice(i, i + IDS_PER_LIST).map((id) => `id = ${id}`).join(' or ');
      // Archived runs too: a compare URL names runs whatever became of them since.
      for (const r of await client.call('runs.list', { filter, includeArchived: true })) {
        summaries.value[r.id] = r;
        found.set(r.id, r);
      }
    }
    return ids.map((id) => found.get(id)).filter((r): r is RunSummary => r !== undefined);
  }

  /** Each run's summary of each metric (last, best, min, max, count): the keys the compare view offers. */
  function metricSummaries(ids: number[]): Promise<RunMetricSummaries[]> {
    return client.call('runs.summaries', { ids });
  }

  /** A run's full-resolution series of the keys, fetched once and not kept (the long-format metrics export). */
  function fullSeries(id: number, keys: string[]): Promise<MetricSeries[]> {
    return client.call('runs.metrics', { id, keys });
  }

  /** A window of steps of a run's series, thinned to RUN_PAGE_MAX_POINTS only if it is still that long (a zoomed run chart), not kept. */
  async function metricsWindow(id: number, keys: string[], range: { min: number; max: number }): Promise<RunSeries> {
    return seriesFromResponse(await client.call('runs.metrics', { id, keys, range, maxPoints: RUN_PAGE_MAX_POINTS }));
  }

  /**
   * Fetches the summaries of these metric keys for these runs into
   * tableMetrics, up to 1,000 runs a call; a later call's answer wins.
   */
  async function fetchTableMetrics(ids: readonly number[], keys: readonly string[]): Promise<void> {
    if (ids.length === 0 || keys.length === 0) return;
    const fetched: RunMetricSummaries[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_SUMMARIES) {
      fetched.push(...await client.call('runs.summaries', { ids: ids.slice(i, i + IDS_PER_SUMMARIES), keys: [...keys] }));
    }
    const next = new Map(tableMetrics.value);
    for (const s of fetched) next.set(s.runId, { ...next.get(s.runId), ...s.metrics });
    tableMetrics.value = next;
  }

  /** Min/max-downsampled series of several runs and keys, for overlaid charts. */
  function compareSeries(req: ApiRequest<'runs.compareSeries'>): Promise<CompareSeries[]> {
    return client.call('runs.compareSeries', req);
  }

  function fetchRun(id: number): Promise<RunDetail> {
    let p = detailInFlight.get(id);
    if (!p) {
      p = client.call('runs.get', { id }).then(setDetail).finally(() => detailInFlight.delete(id));
      detailInFlight.set(id, p);
    }
    return p;
  }

  function fetchMetrics(id: number): Promise<void> {
    const inFlight = metricsInFlight.get(id);
    if (inFlight) {
      metricsAgain.add(id);
      return inFlight;
    }
    if (!pendingPoints.has(id)) pendingPoints.set(id, []);
    const p = client.call('runs.metrics', { id, maxPoints: RUN_PAGE_MAX_POINTS })
      .then((list) => {
        const fresh = seriesFromResponse(list);
        appendPoints(fresh, pendingPoints.get(id) ?? []);
        if (watchers.has(id)) {
          series.set(id, fresh);
          bumpMetrics(id);
        }
      })
      .finally(() => {
        metricsInFlight.delete(id);
        if (metricsAgain.delete(id)) {
          void fetchMetrics(id).catch(() => {});
        } else {
          pendingPoints.delete(id);
        }
      });
    metricsInFlight.set(id, p);
    return p;
  }

  function fetchLogs(id: number): Promise<void> {
    const inFlight = logsInFlight.get(id);
    if (inFlight) return inFlight;
    if (!pendingLogs.has(id)) pendingLogs.set(id, []);
    const p = (async () => {
      const lines = [...(logs.value[id] ?? [])];
      // Page with afterId until the server has nothing more (it may cap a single answer).
      for (let round = 0; round < LOG_PAGE_ROUNDS; round++) {
        const afterId = lines.length ? lines[lines.length - 1]!.id : undefined;
        const page = await client.call('runs.logs', afterId === undefined ? { id } : { id, afterId });
        const fresh = page.filter((l) => afterId === undefined || l.id > afterId);
        if (!fresh.length) break;
        lines.push(...fresh);
      }
      for (const l of pendingLogs.get(id) ?? []) {
        if (!lines.length || l.id > lines[lines.length - 1]!.id) lines.push(l);
      }
      if (watchers.has(id)) logs.value[id] = lines;
    })().finally(() => {
      logsInFlight.delete(id);
      pendingLogs.delete(id);
    });
    logsInFlight.set(id, p);
    return p;
  }

  // ---- actions -------------------------------------------------------------

  async function startRun(experimentId: number, config: RunConfigInput): Promise<RunSummary> {
    const summary = await client.call('runs.start', { experimentId, config });
    upsertSummary(summary);
    return summary;
  }

  async function cancelRun(id: number): Promise<RunSummary> {
    const summary = await client.call('runs.cancel', { id });
    upsertSummary(summary);
    return summary;
  }

  /** Replaces a run's tags; the answer (tags trimmed, deduplicated, sorted) updates the cache. */
  async function setTags(id: number, tags: string[]): Promise<RunSummary> {
    const summary = await client.call('runs.setTags', { id, tags });
    upsertSummary(summary);
    return summary;
  }

  /** Renames, annotates, stars or archives a run (only the fields given); the answer updates the cache. */
  async function updateRun(id: number, change: Omit<ApiRequest<'runs.update'>, 'id'>): Promise<RunSummary> {
    const summary = await client.call('runs.update', { id, ...change });
    upsertSummary(summary);
    return summary;
  }

  /** Deletes a run (its records and its folder on the server) and forgets it here. */
  async function deleteRun(id: number): Promise<RunDeletion> {
    const gone = await client.call('runs.delete', { id });
    forgetRun(gone.id);
    return gone;
  }

  async function resumeRun(id: number): Promise<RunSummary> {
    const summary = await client.call('runs.resume', { id });
    upsertSummary(summary);
    if (details.value[id]) void fetchRun(id).catch(() => {});
    return summary;
  }

  /**
   * A new run repeating `id` (runs.reproduce): cached at once; the origin's
   * detail is refetched, when loaded, so it lists the new reproduction.
   */
  async function reproduceRun(id: number): Promise<RunSummary> {
    const summary = await client.call('runs.reproduce', { id });
    upsertSummary(summary);
    if (details.value[id]) void fetchRun(id).catch(() => {});
    return summary;
  }

  /**
   * Keep a run's detail, metrics and logs loaded and live while something
   * shows it. Returns the release function and a promise for the first load.
   */
  function watchRun(id: number): { release: () => void; ready: Promise<void> } {
    const count = watchers.get(id) ?? 0;
    watchers.set(id, count + 1);
    const ready = count === 0
      ? Promise.all([fetchRun(id), fetchMetrics(id), fetchLogs(id)]).then(() => {})
      : Promise.all([fetchRun(id)]).then(() => {});
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (watchers.get(id) ?? 1) - 1;
      if (left > 0) {
        watchers.set(id, left);
        return;
      }
      watchers.delete(id);
      series.delete(id);
      delete logs.value[id];
      delete metricsVersion.value[id];
    };
    return { release, ready };
  }

  // ---- live events -----------------------------------------------------------

  const isTerminal = (s: RunSummary['status']) => terminalStatuses.includes(s);

  client.on('runs.onDidChange', (summary) => {
    const prev = upsertSummary(summary);
    if (!prev || prev.status === summary.status) return;
    // error, endedAt, checkpoint and resumable change with the status: refresh the detail.
    if (details.value[summary.id]) void fetchRun(summary.id).catch(() => {});
    // A resumed run may log steps again from its checkpoint: start from the stored series.
    if (watchers.has(summary.id) && isTerminal(prev.status) && !isTerminal(summary.status)) {
      void fetchMetrics(summary.id).catch(() => {});
    }
  });

  // Another window (or the CLI through serve) deleted a run.
  client.on('runs.onDidDelete', ({ id }) => forgetRun(id));

  client.on('runs.onDidLogMetrics', ({ runId, points }) => {
    pendingPoints.get(runId)?.push(...points);
    const cached = series.get(runId);
    if (cached && appendPoints(cached, points)) bumpMetrics(runId);
  });

  client.on('runs.onDidProgress', ({ runId, progress }) => {
    const s = summaries.value[runId];
    if (s) s.progress = progress;
    const d = details.value[runId];
    if (d) d.progress = progress;
  });

  client.on('runs.onDidLog', (line) => {
    pendingLogs.get(line.runId)?.push(line);
    const lines = logs.value[line.runId];
    if (lines && (!lines.length || line.id > lines[lines.length - 1]!.id)) lines.push(line);
  });

  client.onReconnected(() => {
    for (const key of Object.keys(idsByExperiment.value)) void fetchRuns(Number(key)).catch(() => {});
    for (const id of watchers.keys()) {
      void fetchRun(id).catch(() => {});
      void fetchMetrics(id).catch(() => {});
      void fetchLogs(id).catch(() => {});
    }
  });

  return {
    summaries, details, idsByExperiment, filters, filterErrors, showArchived, partial, logs, metricsVersion, tableMetrics,
    run, runsForExperiment, getSeries, metricKeys,
    fetchRuns, openRuns, applyFilter, setShowArchived, fetchRunsByIds, fetchRun, fetchMetrics, fetchLogs, metricSummaries, fetchTableMetrics, compareSeries, fullSeries, metricsWindow,
    startRun, cancelRun, resumeRun, reproduceRun, setTags, updateRun, deleteRun, watchRun,
  };
});
