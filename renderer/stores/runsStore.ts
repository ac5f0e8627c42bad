/**
 * Runs: summaries by id, the list per experiment, details of opened runs, and
 * for every run on screen its metric series and log lines, kept live from the
 * runs.onDid* events and refetched after a reconnect.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RunConfigInput } from '../../workers/common/runConfig';
import type { MetricPoint } from '../../workers/common/protocol';
import { terminalStatuses, type LogLine, type RunDetail, type RunSummary } from '../../main/common/domain';
import { getApiClient } from '../api';
import { appendPoints, seriesFromResponse, type RunSeries, type SeriesData } from '../lib/metricSeries';
import { useExperimentsStore } from './experimentsStore';

const LOG_PAGE_ROUNDS = 20;

export const useRunsStore = defineStore('runs', () => {
  const client = getApiClient();
  const experiments = useExperimentsStore();

  const summaries = ref<Record<number, RunSummary>>({});
  const details = ref<Record<number, RunDetail>>({});
  const idsByExperiment = ref<Record<number, number[]>>({});
  const logs = ref<Record<number, LogLine[]>>({});
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

  // ---- getters -----------------------------------------------------------

  function run(id: number): RunDetail | RunSummary | undefined {
    return details.value[id] ?? summaries.value[id];
  }

  function runsForExperiment(experimentId: number): RunSummary[] {
    const ids = idsByExperiment.value[experimentId] ?? [];
    return ids
      .map((id) => summaries.value[id])
      .filter((r): r is RunSummary => r !== undefined)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
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
    const list = idsByExperiment.value[next.experimentId];
    if (list && !list.includes(next.id)) {
      list.unshift(next.id);
      experiments.noteNewRun(next.experimentId);
    }
    return prev;
  }

  function setDetail(detail: RunDetail): RunDetail {
    details.value[detail.id] = detail;
    const { config: _c, architecture: _a, datasetHash: _h, appVersion: _v, checkpoint: _k, resumable: _r, ...summary } = detail;
    upsertSummary(summary);
    return detail;
  }

  // ---- fetching ------------------------------------------------------------

  async function fetchRuns(experimentId: number): Promise<RunSummary[]> {
    const list = await client.call('runs.list', { experimentId });
    for (const r of list) summaries.value[r.id] = r;
    idsByExperiment.value[experimentId] = list.map((r) => r.id);
    return list;
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
    const p = client.call('runs.metrics', { id })
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

  async function resumeRun(id: number): Promise<RunSummary> {
    const summary = await client.call('runs.resume', { id });
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
    summaries, details, idsByExperiment, logs, metricsVersion,
    run, runsForExperiment, getSeries, metricKeys,
    fetchRuns, fetchRun, fetchMetrics, fetchLogs,
    startRun, cancelRun, resumeRun, watchRun,
  };
});
