/**
 * The long kill soak (issue 16; the suite's short form is
 * test/integration/killSoak.test.ts): `--kills` SIGKILLs (default 100) of the
 * CLI training a small MNIST classifier (wasm), half on worker-thread hosts
 * and half on child-process hosts, at moments chosen by mulberry32(`--seed`,
 * default 16) across start, mid-epoch, evaluation and checkpoint write, each
 * run resumed and killed again (bench/harness/killSoak.ts says what is
 * checked after each kill).
 *
 * MERGES its keys into bench/results/reliability.json (another bench writes
 * the load-test keys there): `reliability.kills`, `reliability.lost_points`,
 * `reliability.duplicated_points`, `reliability.integrity_failures`,
 * `reliability.resume_gaps`, `reliability.not_interrupted`,
 * `reliability.orphan_children`, `reliability.kills_of_resumed_runs`, `reliability.kills_<phase>` per phase hit and
 * `reliability.kills_<host>` per host, plus a `kill_soak` object with the seed,
 * the config and every kill's record.
 *
 *   npm run build:node && node dist/bench/killSoak.js [--kills 100] [--seed 16]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { machineInfo } from './harness/runtime';
import { runKillSoak, soakConfig, type SoakResult } from './harness/killSoak';

const RESULTS = join(appRoot, 'bench', 'results', 'reliability.json');

interface ResultsFile { benchmark: string; description: string; machine: unknown; results: Record<string, unknown> }

/** The keys this bench owns, merged over whatever the file holds (the load test's keys are kept). */
function merge(r: SoakResult): void {
  const previous: Partial<ResultsFile> = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Partial<ResultsFile>) : {};
  const phases = Object.fromEntries(Object.entries(r.perPhase).map(([p, n]) => [`reliability.kills_${p.replace('-', '_')}`, n]));
  const results: Record<string, unknown> = {
    ...(previous.results ?? {}),
    'reliability.kills': r.kills,
    'reliability.lost_points': r.lostPoints,
    'reliability.duplicated_points': r.duplicatedPoints,
    'reliability.integrity_failures': r.integrityFailures,
    'reliability.resume_gaps': r.resumeGaps,
    'reliability.not_interrupted': r.notInterrupted,
    'reliability.orphan_children': r.orphanChildren,
    'reliability.acknowledged_points_checked': r.acknowledgedPoints,
    'reliability.kills_of_resumed_runs': r.resumedKills,
    ...phases,
    'reliability.kills_thread': r.perHost.thread,
    'reliability.kills_process': r.perHost.process,
    kill_soak: { seed: r.seed, config: soakConfig, records: r.records },
  };
  const file: ResultsFile = {
    benchmark: 'reliability',
    description: previous.description ?? 'Issue 16 fault injection: SIGKILLs of the training CLI (bench/killSoak.ts) and the load test.',
    machine: machineInfo(),
    results,
  };
  mkdirSync(join(appRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(file, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { kills: { type: 'string', default: '100' }, seed: { type: 'string', default: '16' } } });
  const dataDir = mkdtempSync(join(tmpdir(), 'latent-kill-soak-'));
  try {
    const r = await runKillSoak({
      cli: join(appRoot, 'dist', 'main', 'cli', 'cliMain.js'), dataDir, kills: Number(values.kills), seed: Number(values.seed),
      hosts: ['thread', 'process'], config: soakConfig, log: (line) => process.stderr.write(`${line}\n`),
    });
    merge(r);
    process.stdout.write(`kill soak (seed ${r.seed}): ${r.kills} kills ${JSON.stringify(r.perPhase)} ${JSON.stringify(r.perHost)}; ` +
      `lost ${r.lostPoints} of ${r.acknowledgedPoints} acknowledged, duplicated ${r.duplicatedPoints}, gaps ${r.resumeGaps}, ` +
      `integrity failures ${r.integrityFailures}, kills of resumed runs ${r.resumedKills}, not interrupted ${r.notInterrupted}, orphans ${r.orphanChildren}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
