/**
 * The CLI's cold start (issue 15): `node bin/latent.cjs runs --json --data DIR`
 * on a data folder with `--runs` runs (default 1,000), each a fresh process,
 * timed from spawn to exit with its JSON read back whole.
 *
 * 1. Seeds DIR with the compare bench's seeder (bench/compareSeed.ts): done
 *    classifier runs across 5 experiments with `--points` metric points (default
 *    50 per run) through store.appendMetrics, so the runs' summaries are kept
 *    as in production. Real SQLite, no services started.
 * 2. One untimed start (the build-freshness check and the OS file cache warm
 *    up, as they are for a user's second command), then `--repeats` timed
 *    starts (default 15): min, median, max. Node's own start (`node -e ''`)
 *    is timed the same way, so what is ours can be told from what is Node's.
 * 3. Writes bench/results/cli.json (`cli.cold_start_ms`: the median,
 *    `cli.cold_start_ms_min`, `_median`, `_max`) and prints a line.
 *
 *   npm run build && node dist/bench/cliColdStart.js [--runs 1000] [--points 50000] [--repeats 15]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { createRuns, databaseMb, ingestWithSummaries, type SeedPlan } from './compareSeed';
import { machineInfo } from './harness/runtime';

const round = (v: number, d = 1): number => Number(v.toFixed(d));

interface Timing { min: number; median: number; max: number; samples: number[] }

function timing(samples: readonly number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { min: round(s[0]!), median: round(mid), max: round(s[s.length - 1]!), samples: samples.map((x) => round(x)) };
}

/** Wall time of one process from spawn to exit; the check reads its stdout. */
function timedRun(args: readonly string[], check: (stdout: string) => void): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  check(r.stdout);
  return ms;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, points: { type: 'string' }, repeats: { type: 'string', default: '15' } } });
  const plan: SeedPlan = { runs: Number(values.runs), experiments: 5, points: Number(values.points ?? Number(values.runs) * 50) };
  const repeats = Number(values.repeats);
  const dir = mkdtempSync(join(tmpdir(), 'latent-cli-bench-'));
  try {
    const file = join(dir, 'workbench.sqlite');
    const seedStart = performance.now();
    const runs = createRuns(file, plan);
    ingestWithSummaries(file, plan, runs, () => undefined);
    const seedMs = performance.now() - seedStart;
    const launcher = join(appRoot, 'bin', 'latent.cjs');
    const cliArgs = [launcher, 'runs', '--json', '--data', dir];
    const expectRuns = (stdout: string): void => {
      const list: unknown = JSON.parse(stdout);
      if (!Array.isArray(list) || list.length !== plan.runs) throw new Error(`runs --json listed ${Array.isArray(list) ? list.length : 'no array of'} runs, expected ${plan.runs}`);
    };
    timedRun(cliArgs, expectRuns);
    const cli = timing(Array.from({ length: repeats }, () => timedRun(cliArgs, expectRuns)));
    const node = timing(Array.from({ length: repeats }, () => timedRun(['-e', ''], () => undefined)));
    const results = {
      'cli.cold_start_ms': cli.median,
      'cli.cold_start_ms_min': cli.min,
      'cli.cold_start_ms_median': cli.median,
      'cli.cold_start_ms_max': cli.max,
      'cli.node_start_ms_median': node.median,
      'cli.runs': plan.runs,
      'cli.metric_points': plan.points,
      'cli.repeats': repeats,
      'cli.database_mb': round(databaseMb(file), 2),
      'cli.seed_ms': round(seedMs, 0),
    };
    const out = {
      benchmark: 'cli',
      description: `Cold start of \`node bin/latent.cjs runs --json --data DIR\` (a new process each time, spawn to exit, its JSON parsed: all ${plan.runs} runs) on a data folder of ${plan.runs} done classifier runs in ${plan.experiments} experiments with ${plan.points} metric points, after one untimed start; ${repeats} timed starts, min / median / max in ms. node_start is \`node -e ''\` timed the same way: Node's own share.`,
      machine: machineInfo(),
      results,
      samples: { cli_ms: cli.samples, node_ms: node.samples },
    };
    const resultsDir = join(appRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'cli.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`CLI cold start, runs --json on ${plan.runs} runs: min ${cli.min} ms, median ${cli.median} ms, max ${cli.max} ms over ${repeats} starts (node -e '' median ${node.median} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
