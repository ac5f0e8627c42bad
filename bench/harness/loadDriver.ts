/**
 * The load test of issue 16, shared by test/integration/loadTest.test.ts (short
 * form) and bench/reliabilityLoad.ts: a real `serve` process (dist/, wasm
 * backend, maxConcurrentRuns = `concurrentRuns`) on a fresh data folder, kept
 * training `concurrentRuns` small real MNIST classifier runs for `durationMs`
 * (a run that ends is replaced by the next, seeds 1, 2, 3, … in start order),
 * `wsClients` WebSocket clients recording every metric point, and a list
 * poller calling `runs.list` as the Runs page does, every `pollGapMs`, its
 * latency recorded; the server's RSS sampled every second. After the window
 * no run is started; once every run has ended, SQLite, the API and the
 * clients are compared (loadAudit.ts).
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunStatus, RunSummary } from '../../main/common/domain';
import { terminalStatuses } from '../../main/common/domain';
import type { MetricSeries } from '../../main/common/domain';
import { classifierConfigSchema, type ClassifierConfig } from '../../workers/common/families/classifier/config';
import { audit, readStoredPoints, type AuditResult, type RunExpectation } from './loadAudit';
import { quantile, sampleRss, StatusLog, timedCall } from './loadRecorders';
import { openLoadClient, type LoadClient } from './loadWsClient';
import { startServe, type ServeProcess } from './serveChild';

export interface LoadOptions {
  dataDir: string;
  concurrentRuns?: number;
  wsClients?: number;
  durationMs?: number;
  pollGapMs?: number;
  /** How long to wait after the window for the last runs to end. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Each run: 3,000 MNIST training images (300 held out for validation), 500 test, batch 16, 4 epochs, the MLP template. */
export const LOAD_RUN = { trainSize: 3000, testSize: 500, batchSize: 16, epochs: 4, validationSplit: 0.1 } as const;
/** Hand-computed: floor(3000 × 0.1) = 300 validation images, 2,700 trained on, ceil(2700 / 16) = 169 steps an epoch, 676 in all (steps 1–676). */
export const LOAD_RUN_STEPS = 676;

export interface LoadReport {
  runs: { id: number; seed: number; status: RunStatus; error: string | null; startedAt: number | null; endedAt: number | null }[];
  wsClients: number;
  /** The window during which runs were kept going, seconds (as asked). */
  windowS: number;
  /** The window plus the wait for the last runs to end, seconds. */
  elapsedS: number;
  /** From the first run's start to the last run's end, seconds. */
  trainingS: number;
  listLatenciesMs: number[];
  listP50Ms: number;
  listP95Ms: number;
  listMaxMs: number;
  calls: number;
  serverErrors: number;
  serverErrorSamples: string[];
  rssMb: number[];
  clientBytes: number[];
  clientFailures: string[];
  audit: AuditResult;
}

export function loadRunConfig(seed: number): ClassifierConfig & { name: string } {
  const { trainSize, testSize, batchSize, epochs, validationSplit } = LOAD_RUN;
  return {
    ...classifierConfigSchema.parse({
      family: 'classifier',
      dataset: { id: 'mnist', trainSize, testSize },
      architecture: { template: 'mlp' },
      hyper: { epochs, batchSize, optimizer: 'adam', learningRate: 0.001, validationSplit, seed },
    }),
    name: `load seed ${seed}`,
  };
}

/** A call that must succeed; its status is logged either way. */
async function must<T>(s: ServeProcess, statuses: StatusLog, method: string, body: unknown): Promise<T> {
  const r = await timedCall<T>(s.origin, s.token, method, body);
  statuses.note(method, r);
  if (!r.body.ok) throw new Error(`${method} (HTTP ${r.status}): ${r.body.error.message}`);
  return r.body.result;
}

/** Waits until no client has received a point for `quietMs` (the last runs' events are in flight when the list says done). */
async function settle(clients: readonly LoadClient[], quietMs = 1000, maxMs = 15_000): Promise<void> {
  const total = (): number => clients.reduce((t, c) => t + c.pointCount(), 0);
  const t0 = performance.now();
  let last = total();
  while (performance.now() - t0 < maxMs) {
    await sleep(quietMs);
    const now = total();
    if (now === last) return;
    last = now;
  }
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const concurrent = o.concurrentRuns ?? 8;
  const log = o.log ?? ((): void => undefined);
  const serve = await startServe(o.dataDir, { LATENT_BACKEND: 'wasm' });
  const pid = serve.child.pid!;
  const rss = sampleRss(pid);
  const statuses = new StatusLog();
  const clients: LoadClient[] = [];
  try {
    await must(serve, statuses, 'settings.update', { backend: 'wasm', maxConcurrentRuns: concurrent });
    const experiment = await must<{ id: number }>(serve, statuses, 'experiments.create', { name: 'load test' });
    for (let i = 0; i < (o.wsClients ?? 20); i++) clients.push(await openLoadClient(serve.origin, serve.token));
    const seeds = new Map<number, number>();
    const start = async (): Promise<void> => {
      const seed = seeds.size + 1;
      const run = await must<RunSummary>(serve, statuses, 'runs.start', { experimentId: experiment.id, config: loadRunConfig(seed) });
      seeds.set(run.id, seed);
    };
    for (let i = 0; i < concurrent; i++) await start();
    const windowStart = performance.now();
    const latencies: number[] = [];
    let list: RunSummary[] = [];
    const windowOpen = (): boolean => performance.now() - windowStart < (o.durationMs ?? 120_000);
    const drainEnd = (): number => windowStart + (o.durationMs ?? 120_000) + (o.drainTimeoutMs ?? 600_000);
    let lastLog = 0;
    for (;;) {
      const r = await timedCall<RunSummary[]>(serve.origin, serve.token, 'runs.list', { experimentId: experiment.id });
      statuses.note('runs.list', r);
      latencies.push(r.ms);
      if (r.body.ok) list = r.body.result;
      const active = list.filter((run) => !terminalStatuses.includes(run.status)).length + (seeds.size - list.length);
      if (windowOpen()) {
        for (let n = active; n < concurrent; n++) await start();
      } else if (active === 0 && list.length === seeds.size) break;
      else if (performance.now() > drainEnd()) throw new Error(`runs still active ${o.drainTimeoutMs ?? 600_000} ms after the window: ${list.filter((x) => !terminalStatuses.includes(x.status)).map((x) => `${x.id} ${x.status}`).join(', ')}`);
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`${((lastLog - windowStart) / 1000).toFixed(0)} s: ${seeds.size} runs started, ${active} active, ${clients[0]!.pointCount()} points on client 0, RSS ${rss.samples.at(-1)?.toFixed(0) ?? '?'} MB`);
      }
      await sleep(o.pollGapMs ?? 100);
    }
    const elapsedS = (performance.now() - windowStart) / 1000;
    await settle(clients);
    return await finish(serve, statuses, o.dataDir, { list, seeds, latencies, rss: rss.samples, clients, windowS: (o.durationMs ?? 120_000) / 1000, elapsedS });
  } finally {
    rss.stop();
    await Promise.all(clients.map((c) => c.close()));
    await serve.stop();
  }
}

interface Recorded { list: RunSummary[]; seeds: Map<number, number>; latencies: number[]; rss: number[]; clients: LoadClient[]; windowS: number; elapsedS: number }

/** Reads SQLite and every run's `runs.metrics`, and compares them with what the clients received. */
async function finish(serve: ServeProcess, statuses: StatusLog, dataDir: string, r: Recorded): Promise<LoadReport> {
  const ids = r.list.map((run) => run.id);
  const api = new Map<number, MetricSeries[]>();
  for (const id of ids) api.set(id, await must<MetricSeries[]>(serve, statuses, 'runs.metrics', { id }));
  const stored = readStoredPoints(path.join(dataDir, 'workbench.sqlite'), ids);
  const expectations: RunExpectation[] = ids.map((runId) => ({ runId, stepKey: 'loss', expectedSteps: LOAD_RUN_STEPS }));
  const result = audit(stored, api, expectations, r.clients.map((c) => c.points));
  const started = r.list.map((run) => run.startedAt ?? Infinity);
  const ended = r.list.map((run) => run.endedAt ?? -Infinity);
  return {
    runs: r.list.map((run) => ({ id: run.id, seed: r.seeds.get(run.id) ?? -1, status: run.status, error: run.error, startedAt: run.startedAt, endedAt: run.endedAt })),
    wsClients: r.clients.length,
    windowS: r.windowS,
    elapsedS: r.elapsedS,
    trainingS: (Math.max(...ended) - Math.min(...started)) / 1000,
    listLatenciesMs: r.latencies,
    listP50Ms: quantile(r.latencies, 0.5),
    listP95Ms: quantile(r.latencies, 0.95),
    listMaxMs: Math.max(...r.latencies),
    calls: statuses.total(),
    serverErrors: statuses.fiveHundreds(),
    serverErrorSamples: statuses.serverErrors,
    rssMb: r.rss,
    clientBytes: r.clients.map((c) => c.bytes()),
    clientFailures: r.clients.flatMap((c, i) => { const f = c.failure(); return f ? [`client ${i}: ${f}`] : []; }),
    audit: result,
  };
}
