/**
 * The kill soak (issue 16): the CLI (`train`, then `resume`) on a temp data
 * folder, SIGKILLed again and again at moments a seeded PRNG picks across
 * four phases — right after start (before the process's first point), mid-
 * epoch, during evaluation, during the checkpoint write — on worker-thread
 * and child-process hosts, each run resumed and killed again in a chain.
 *
 * A point is acknowledged when it is committed: visible to this process's
 * own SQLite connection just before the kill. After each kill: PRAGMA
 * integrity_check is 'ok'; every acknowledged point is still stored; no
 * (key, step) has two rows; each key's steps run 1..max without a gap (loss
 * by step, the epoch metrics by epoch); a resumed process's first loss step
 * is its checkpoint's step + 1 (else one gap is counted); a process-host child is gone within
 * 10 s; the next CLI start (a real `latent resume`) marks the run
 * interrupted; the following `resume` rewinds the points past the checkpoint
 * and trains them again (RunService.resume, db/queries/metricRewind.ts).
 * The phase a kill hit is read from the committed state (killSoakProbe.ts
 * phaseOf), not from the aim.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32, type Prng } from '../../workers/common/prng';
import { processRunning } from '../../main/services/orphanHosts';
import { PHASES, phaseOf, SoakProbe, type AfterKill, type Phase, type RunState } from './killSoakProbe';

/** The soak's run: 113 steps an epoch (1,800 training images, batch 16), evaluated on 4,000; never ends on its own. */
export const soakConfig = {
  family: 'classifier',
  dataset: { id: 'mnist', trainSize: 2000, testSize: 4000 },
  architecture: { template: 'mlp' },
  hyper: { epochs: 1000, batchSize: 16, learningRate: 0.002, seed: 11, validationSplit: 0.1 },
};

export type HostKind = 'thread' | 'process';

export interface SoakOptions {
  /** dist/main/cli/cliMain.js */
  cli: string;
  dataDir: string;
  kills: number;
  seed: number;
  hosts: readonly HostKind[];
  /** The run's config (a classifier; its loss must be logged every step, test_accuracy every epoch). */
  config: unknown;
  /** How long a kill waits for its phase before it is made anyway (ms). */
  aimTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface KillRecord extends AfterKill {
  host: HostKind;
  runId: number;
  aimed: Phase;
  phase: Phase;
  acknowledged: number;
  /** The child-process host outlived its parent by more than 10 s. */
  orphan: boolean;
  /** The next CLI start reported the run interrupted, and it is. */
  interrupted: boolean;
  /** The killed process was a `resume` (a kill chained on an earlier one). */
  resumed: boolean;
}

export interface SoakResult {
  seed: number;
  kills: number;
  perPhase: Record<Phase, number>;
  perHost: Record<HostKind, number>;
  lostPoints: number;
  duplicatedPoints: number;
  integrityFailures: number;
  resumeGaps: number;
  notInterrupted: number;
  orphanChildren: number;
  acknowledgedPoints: number;
  /** Kills of a `resume` process (chained on an earlier kill of the same run). */
  resumedKills: number;
  records: KillRecord[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One CLI process of the soak, with its stderr kept (the run id is read from it). */
interface Trainer { child: ChildProcess; stderr: () => string; since: number }

function startTrainer(o: SoakOptions, host: HostKind, args: readonly string[]): Trainer {
  const env = { ...process.env, LATENT_BACKEND: 'wasm', LATENT_HOST: host };
  const since = Date.now();
  const child = spawn(process.execPath, [o.cli, ...args, '--data', o.dataDir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  return { child, stderr: () => err, since };
}

/** Waits until `ready` holds of the run's state (or the process ends, or time runs out); polls every 2 ms. */
async function aim(probe: SoakProbe, t: Trainer, runId: () => number | null, ready: (s: RunState, perEpoch: number) => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && t.child.exitCode === null) {
    const id = runId();
    const perEpoch = id === null ? null : probe.stepsPerEpoch(id);
    if (id !== null && perEpoch !== null && ready(probe.state(id, t.since), perEpoch)) return;
    await sleep(2);
  }
}

/** The condition a kill aimed at `phase` waits for; `prng` places a mid-epoch kill within its epoch. */
function readiness(phase: Phase, prng: Prng): (s: RunState, perEpoch: number) => boolean {
  const fraction = 0.2 + 0.6 * prng();
  switch (phase) {
    case 'start': return () => false;
    case 'mid-epoch': return (s, p) => s.newPoints > 0 && s.lossStep % p >= Math.floor(fraction * p);
    default: return (s, p) => phaseOf(s, p) === phase;
  }
}

/**
 * The next CLI start sees the run interrupted. A process killed while it owned
 * the run (running or queued) left it so: `resume` refuses once, saying it has
 * marked the run interrupted now (it never trains then; the timeout only
 * guards the soak). A `resume` killed before it took the run over left it
 * interrupted as it was.
 */
function nextStartSeesInterrupted(o: SoakOptions, host: HostKind, runId: number, statusAtKill: string, probe: SoakProbe): boolean {
  if (statusAtKill === 'interrupted') return true;
  const env = { ...process.env, LATENT_BACKEND: 'wasm', LATENT_HOST: host };
  const r = spawnSync(process.execPath, [o.cli, 'resume', String(runId), '--data', o.dataDir], { env, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return r.status === 1 && r.stderr.includes('marked interrupted now') && probe.afterKill(runId, new Set()).status === 'interrupted';
}

async function childGone(pid: number | null): Promise<boolean> {
  if (pid === null) return true;
  for (let i = 0; i < 200 && processRunning(pid); i++) await sleep(50);
  return !processRunning(pid);
}

/** One kill: aim, read what is acknowledged, SIGKILL, check. Returns the record and the run (null: start a new one). */
async function oneKill(o: SoakOptions, probe: SoakProbe, host: HostKind, runId: number | null, prng: Prng): Promise<{ record: KillRecord | null; runId: number | null }> {
  const aimed = PHASES[Math.floor(prng() * PHASES.length)]!;
  const resumesAt = runId === null ? 0 : probe.checkpointStep(runId);
  const trainer = runId === null ? startTrainer(o, host, ['train', '--config', join(o.dataDir, 'soak-config.json')]) : startTrainer(o, host, ['resume', String(runId)]);
  const idOf = (): number | null => runId ?? (Number(/Run (\d+)/.exec(trainer.stderr())?.[1] ?? NaN) || null);
  if (aimed === 'start') {
    const delay = 100 + prng() * 700;
    await aim(probe, trainer, idOf, (s) => s.newPoints > 0, delay);
  } else {
    // A new run trains past its first checkpoint before it is aimed at, so the kill leaves a run to resume.
    const ready = readiness(aimed, prng);
    await aim(probe, trainer, idOf, (s, p) => s.checkpointEpoch >= 1 && ready(s, p), o.aimTimeoutMs ?? 30_000);
  }
  const id = idOf();
  const before = id === null ? null : probe.state(id, trainer.since);
  const acknowledged = id === null ? new Set<string>() : probe.points(id);
  const perEpoch = id === null ? null : probe.stepsPerEpoch(id);
  trainer.child.kill('SIGKILL');
  await new Promise((r) => { if (trainer.child.exitCode !== null || trainer.child.signalCode !== null) r(null); else trainer.child.once('exit', r); });
  if (id === null || before === null) {
    o.log?.(`kill before the run existed (${host}): nothing to check`);
    return { record: null, runId: null };
  }
  const orphan = !(await childGone(before.hostPid));
  const first = probe.firstLossStepSince(id, trainer.since);
  // A resumed process's first loss step is the one after its checkpoint: anything else is a gap (or a repeat).
  const continued = first === null || first === resumesAt + 1;
  const checked = probe.afterKill(id, acknowledged);
  const after = { ...checked, gaps: checked.gaps + (continued ? 0 : 1) };
  const interrupted = nextStartSeesInterrupted(o, host, id, after.status, probe);
  const phase = perEpoch === null ? 'start' : phaseOf(before, perEpoch);
  const record: KillRecord = { host, runId: id, aimed, phase, acknowledged: acknowledged.size, orphan, interrupted, resumed: runId !== null, ...after };
  o.log?.(`${host} run ${id}: aimed ${aimed}, hit ${phase} at step ${before.lossStep} after ${Date.now() - trainer.since} ms; interrupted ${String(interrupted)}, orphan ${String(orphan)}; ${JSON.stringify(after)}`);
  return { record, runId: before.checkpointEpoch > 0 ? id : null };
}

function summarise(seed: number, records: KillRecord[]): SoakResult {
  const perPhase = Object.fromEntries(PHASES.map((p) => [p, records.filter((r) => r.phase === p).length])) as Record<Phase, number>;
  const sum = (f: (r: KillRecord) => number): number => records.reduce((n, r) => n + f(r), 0);
  return {
    seed, kills: records.length, perPhase,
    perHost: { thread: records.filter((r) => r.host === 'thread').length, process: records.filter((r) => r.host === 'process').length },
    lostPoints: sum((r) => r.lost), duplicatedPoints: sum((r) => r.duplicated),
    integrityFailures: sum((r) => (r.integrity === 'ok' ? 0 : 1)), resumeGaps: sum((r) => r.gaps),
    notInterrupted: sum((r) => (r.interrupted ? 0 : 1)), orphanChildren: sum((r) => (r.orphan ? 1 : 0)),
    acknowledgedPoints: sum((r) => r.acknowledged), resumedKills: sum((r) => (r.resumed ? 1 : 0)), records,
  };
}

/**
 * Runs the soak: `kills` checked kills, split evenly over the hosts in turn,
 * each host chaining kills across resumes of one run (a new run when a kill
 * left none with a checkpoint). A kill before the run exists is not counted.
 */
export async function runKillSoak(o: SoakOptions): Promise<SoakResult> {
  writeFileSync(join(o.dataDir, 'soak-config.json'), JSON.stringify(o.config));
  // A first command creates the database, so the probe can open it before the first run exists.
  const init = spawnSync(process.execPath, [o.cli, 'runs', '--data', o.dataDir, '--json'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`latent runs failed on ${o.dataDir}: ${init.stderr}`);
  const prng = mulberry32(o.seed);
  const records: KillRecord[] = [];
  const probe = new SoakProbe(join(o.dataDir, 'workbench.sqlite'));
  try {
    for (const [i, host] of o.hosts.entries()) {
      const quota = Math.ceil((o.kills - records.length) / (o.hosts.length - i));
      let runId: number | null = null;
      for (let done = 0, tries = 0; done < quota && tries < quota * 3; tries++) {
        const r = await oneKill(o, probe, host, runId, prng);
        runId = r.runId;
        if (r.record) { records.push(r.record); done++; }
      }
    }
  } finally {
    probe.close();
  }
  return summarise(o.seed, records);
}
