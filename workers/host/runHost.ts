/**
 * The training host: receives start/cancel, selects the backend, runs the
 * family, streams batched metrics, throttled progress, logs and checkpoints,
 * and ends with exactly one of done / failed / cancelled.
 *
 * An 'analyze' message instead of 'start' loads a checkpoint and computes one
 * analysis (engine/analysis, with what the run's family lends): the host
 * answers ready, one 'sample' for the file written, then 'done' with final
 * {} (or 'failed'). Families are reached only through the worker registry.
 */
import { registerDatasetEntry } from '../common/datasets';
import type { AnalyzeMessage, BackendChoice, ProgressMessage, StartMessage, WorkerToMain } from '../common/protocol';
import { runConfigSchema, type RunConfig } from '../common/families/registry';
import { formatIssues } from '../common/runConfigBase';
import { prepareTrainingBackend } from '../engine/trainingBackend';
import { wasmThreadsInUse } from '../engine/wasmThreads';
import { MetricBatcher } from '../engine/metricBatcher';
import type { ProgressInfo, TrainingSink } from '../engine/sink';
import { Throttle } from '../engine/throttle';
import { analyzeRun, runFamily } from '../families/registry';
import type { HostTransport } from './transport';

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface RunHostOptions {
  /** Turn uncaught errors into 'failed' (default true; off in in-process tests). */
  installProcessHandlers?: boolean;
  /** The util helpers nodeCompat restored in this process (named in the host's first log line). */
  restoredUtilHelpers?: readonly string[];
}

/** The host's first log line: which Node runs it and how it was started (Electron's Node differs from the system's). */
export function hostDescription(mode: HostTransport['mode'], restored: readonly string[] = []): string {
  const how = { worker: 'worker thread', child: 'child process', utility: 'Electron utility process', none: 'in-process' }[mode];
  const compat = restored.length > 0 ? `; restored util.${restored.join(', util.')} for tfjs-node 4.22` : '';
  return `Host: Node ${process.version} (${how}, pid ${process.pid})${compat}`;
}

export function runHost(transport: HostTransport, options: RunHostOptions = {}): void {
  let cancelled = false;
  let started = false;
  let finished = false;

  const send = (m: WorkerToMain): void => { void transport.send(m); };

  const finish = async (m: WorkerToMain & { type: 'done' | 'failed' | 'cancelled' }): Promise<void> => {
    if (finished) return;
    finished = true;
    await transport.send(m);
    transport.close();
  };

  const fail = (e: unknown): void => { void finish({ type: 'failed', error: errorMessage(e) }); };
  if (options.installProcessHandlers !== false) {
    process.on('uncaughtException', fail);
    process.on('unhandledRejection', fail);
  }

  const parseConfig = (config: unknown): RunConfig => {
    const parsed = runConfigSchema.safeParse(config);
    if (!parsed.success) throw new Error(`Invalid run configuration:\n${formatIssues(parsed.error).join('\n')}`);
    return parsed.data;
  };

  const prepareBackend = async (choice: BackendChoice): Promise<void> => {
    const selection = await prepareTrainingBackend(choice);
    for (const s of selection.skipped) send({ type: 'log', level: 'info', message: `Backend skipped: ${s}` });
    const pool = selection.backend === 'wasm' ? wasmThreadsInUse() : undefined;
    if (pool && (pool.threads > 1 || pool.fallback)) send({ type: 'log', level: 'info', message: `XNNPACK threads: ${pool.threads}${pool.fallback ? ` (${pool.fallback})` : ''}` });
    // The threads actually in use (a fallback may have left fewer than asked for) are recorded on the run.
    send({ type: 'ready', backend: selection.backend, ...(selection.backend === 'wasm' ? { wasmThreads: pool?.threads ?? 1 } : {}) });
  };

  const analyze = async (m: AnalyzeMessage): Promise<void> => {
    const config = parseConfig(m.config);
    await prepareBackend(m.backend);
    const artifact = await analyzeRun({ ...m, config });
    if (cancelled) { await finish({ type: 'cancelled' }); return; }
    send({ type: 'sample', step: m.step, kind: artifact.kind, path: artifact.path, meta: artifact.meta });
    await finish({ type: 'done', final: {} });
  };

  const run = async (start: StartMessage): Promise<void> => {
    const config = parseConfig(start.config);
    // A run's log says which Node trained it (an analysis answers only ready, sample, done).
    send({ type: 'log', level: 'info', message: hostDescription(transport.mode, options.restoredUtilHelpers) });
    await prepareBackend(start.backend);

    const batcher = new MetricBatcher((points) => send({ type: 'metrics', points }));
    const progress = new Throttle<ProgressInfo>((p) => send({ type: 'progress', ...p } satisfies ProgressMessage), 100);
    const sink: TrainingSink = {
      metric: (key, step, value) => batcher.add(key, step, value),
      progress: (p) => progress.push(p),
      log: (level, message) => send({ type: 'log', level, message }),
      checkpoint: (checkpoint) => { batcher.flush(); send({ type: 'checkpoint', checkpoint }); },
      sample: (kind, step, path, meta) => { batcher.flush(); send({ type: 'sample', step, kind, path, meta: { ...meta } }); },
      flush: () => { batcher.flush(); progress.flush(); },
    };
    try {
      const result = await runFamily({ ...start, config }, sink, () => cancelled);
      progress.flush();
      batcher.finish();
      await finish(result.status === 'done' ? { type: 'done', final: result.final } : { type: 'cancelled' });
    } catch (e) {
      progress.flush();
      batcher.finish();
      throw e;
    }
  };

  transport.onMessage((m) => {
    if (m.type === 'cancel') {
      cancelled = true;
      if (!started) void finish({ type: 'cancelled' });
      return;
    }
    if (m.type === 'start' || m.type === 'analyze') {
      if (started) { send({ type: 'log', level: 'warn', message: `Ignored a second ${m.type} message` }); return; }
      started = true;
      if (cancelled) return;
      // An imported dataset is known only from the message: make getDatasetEntry find it.
      if (m.datasetEntry) registerDatasetEntry(m.datasetEntry);
      (m.type === 'start' ? run(m) : analyze(m)).catch(fail);
    }
  });
}
