/**
 * Load (issue 16): bench/harness/loadDriver.ts at full length — a real serve
 * process kept training 8 small MNIST classifier runs (wasm; 3,000 training
 * images, 4 epochs, batch 16, 676 steps each; seeds 1, 2, 3, … in start order),
 * 20 WebSocket clients and a runs.list poller (100 ms between calls) for
 * `--seconds` (default 120), the server's RSS sampled every second. Then every
 * point is compared between SQLite, `runs.metrics` and the clients
 * (definitions in bench/harness/loadAudit.ts).
 *
 * Merges its keys, all under `reliability.load.`, into
 * bench/results/reliability.json (which the kill soak also writes: its keys
 * are kept) and prints a line.
 *
 *   npm run build && node dist/bench/reliabilityLoad.js [--seconds 120] [--runs 8] [--clients 20]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { WS_BUFFER_LIMIT } from '../main/server/clientSender';
import { LOAD_RUN, LOAD_RUN_STEPS, runLoad, type LoadReport } from './harness/loadDriver';
import { machineInfo } from './harness/runtime';

const round = (v: number, d = 1): number => Number(v.toFixed(d));

/** The `reliability.load.*` keys of one load report. */
function loadResults(r: LoadReport, concurrent: number): Record<string, number | string> {
  const rssMax = Math.max(...r.rssMb);
  const a = r.audit;
  return {
    'reliability.load.runs': r.runs.length,
    'reliability.load.concurrent_runs': concurrent,
    'reliability.load.runs_done': r.runs.filter((run) => run.status === 'done').length,
    'reliability.load.run_shape': `MNIST MLP, ${LOAD_RUN.trainSize} train (${LOAD_RUN.validationSplit * 100}% validation) / ${LOAD_RUN.testSize} test, batch ${LOAD_RUN.batchSize}, ${LOAD_RUN.epochs} epochs, ${LOAD_RUN_STEPS} steps, wasm, seeds 1–${r.runs.length}`,
    'reliability.load.ws_clients': r.wsClients,
    'reliability.load.duration_s': r.windowS,
    'reliability.load.elapsed_s': round(r.elapsedS),
    'reliability.load.points': a.storedPoints,
    'reliability.load.points_per_s': round(a.storedPoints / r.trainingS),
    'reliability.load.lost_points': a.lostPoints,
    'reliability.load.duplicated_points': a.duplicatedPoints,
    'reliability.load.missing_steps': a.missingSteps,
    'reliability.load.missing_from_api': a.missingFromApi,
    'reliability.load.received_not_stored': a.receivedNotStored,
    'reliability.load.duplicate_rows': a.duplicateRows,
    'reliability.load.duplicate_deliveries': a.duplicateDeliveries,
    'reliability.load.out_of_order_deliveries': a.outOfOrderDeliveries,
    'reliability.load.stale_last_points': a.staleLastPoints,
    'reliability.load.ws_clients_complete': a.clients.filter((c) => c.missing === 0).length,
    'reliability.load.ws_mb_per_client_max': round(Math.max(...r.clientBytes) / 2 ** 20, 2),
    'reliability.load.ws_buffer_limit_mb': WS_BUFFER_LIMIT / 2 ** 20,
    'reliability.load.api_calls': r.calls,
    'reliability.load.http_5xx': r.serverErrors,
    'reliability.load.list_calls': r.listLatenciesMs.length,
    'reliability.load.list_p50_ms': round(r.listP50Ms),
    'reliability.load.list_p95_ms': round(r.listP95Ms),
    'reliability.load.list_max_ms': round(r.listMaxMs),
    'reliability.load.rss_mb_start': round(r.rssMb[0] ?? Number.NaN),
    'reliability.load.rss_mb_max': round(rssMax),
    'reliability.load.rss_mb_end': round(r.rssMb.at(-1) ?? Number.NaN),
    'reliability.load.rss_samples': r.rssMb.length,
  };
}

/** Reads the file (the soak's keys too) and puts these keys into its `results`. */
function merge(file: string, results: Record<string, number | string>): void {
  type ResultsFile = { benchmark?: string; description?: string; machine?: unknown; results?: Record<string, unknown> };
  const previous: ResultsFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ResultsFile) : {};
  const merged = {
    benchmark: 'reliability',
    description: previous.description ?? 'Issue 16 reliability: faults injected and load, in numbers (reliability.load.*: bench/reliabilityLoad.ts).',
    machine: machineInfo(),
    results: { ...previous.results, ...results },
  };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '120' }, runs: { type: 'string', default: '8' }, clients: { type: 'string', default: '20' } } });
  const concurrent = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), 'latent-load-bench-'));
  try {
    const r = await runLoad({ dataDir: dir, concurrentRuns: concurrent, wsClients: Number(values.clients), durationMs: Number(values.seconds) * 1000, log: (l) => console.log(l) });
    const results = loadResults(r, concurrent);
    const out = join(appRoot, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    merge(join(out, 'reliability.json'), results);
    console.log(`load: ${results['reliability.load.runs']} runs (${results['reliability.load.runs_done']} done), ${results['reliability.load.points']} points, lost ${results['reliability.load.lost_points']}, duplicated ${results['reliability.load.duplicated_points']}, 5xx ${results['reliability.load.http_5xx']}; runs.list p50 ${results['reliability.load.list_p50_ms']} ms, p95 ${results['reliability.load.list_p95_ms']} ms (n = ${results['reliability.load.list_calls']}); RSS ${results['reliability.load.rss_mb_start']} → max ${results['reliability.load.rss_mb_max']} MB`);
    if (r.serverErrorSamples.length > 0) console.log(r.serverErrorSamples.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
