/**
 * `runs --watch [--experiment NAME|ID] [--filter EXPR] [--json]`: the runs of
 * the data folder, live, whichever process trains them (the app, a `serve`,
 * another CLI), until Ctrl-C. It hears them on the services' event bus, which
 * the change watcher (main/services/changeWatcher.ts) feeds from SQLite.
 *   table:  the `runs` listing (same columns, --sort and --columns), drawn
 *           again at most every `redrawMs` after a change; on a terminal the
 *           screen is cleared first, in a pipe each drawing follows a rule.
 *   --json: JSON lines, one event each, as the WebSocket sends them
 *           ({"event": "runs.onDidChange", "payload": RunSummary}, …): first
 *           every selected run, then each change of a run of the experiment
 *           (all runs without --experiment; --filter narrows only the first
 *           lines and the table), each deletion and each batch of points.
 */
import type { AppServices } from '../services/appServices';
import { experimentIdOf } from './runArgs';
import { listRuns, selectedRuns, type RunsOptions } from './runCommands';

export interface WatchOptions {
  /** Resolves when the watch should end (the CLI: SIGINT or SIGTERM). */
  until: Promise<void>;
  /** Clear the screen before each drawing (stdout is a terminal). */
  clear: boolean;
  /** At most one drawing per this many milliseconds (default 250). */
  redrawMs?: number;
}

export async function watchRuns(s: AppServices, o: RunsOptions, out: NodeJS.WritableStream, w: WatchOptions): Promise<number> {
  const experimentId = o.experiment === undefined ? undefined : experimentIdOf(s, o.experiment);
  const initial = selectedRuns(s, o);
  const known = new Set(initial.map((r) => r.id));
  let pending: NodeJS.Timeout | undefined;
  const draw = (): void => {
    pending = undefined;
    if (w.clear) out.write('\x1b[2J\x1b[H');
    else out.write(`--- ${new Date().toISOString()} ---\n`);
    listRuns(s, o, out);
    out.write('Watching for runs from any process on this data folder; Ctrl-C to stop.\n');
  };
  const changed = (line: unknown): void => {
    if (o.json) out.write(`${JSON.stringify(line)}\n`);
    else pending ??= setTimeout(draw, w.redrawMs ?? 250);
  };
  const offs = [
    s.events.on('runs.onDidChange', (run) => {
      if (experimentId !== undefined && run.experimentId !== experimentId) return;
      known.add(run.id);
      changed({ event: 'runs.onDidChange', payload: run });
    }),
    s.events.on('runs.onDidDelete', (gone) => { if (known.delete(gone.id)) changed({ event: 'runs.onDidDelete', payload: gone }); }),
    s.events.on('runs.onDidLogMetrics', (m) => { if (known.has(m.runId)) changed({ event: 'runs.onDidLogMetrics', payload: m }); }),
  ];
  // The change watcher's timer never keeps a process alive; a watch must.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    if (o.json) for (const run of initial) out.write(`${JSON.stringify({ event: 'runs.onDidChange', payload: run })}\n`);
    else draw();
    await w.until;
  } finally {
    for (const off of offs) off();
    clearInterval(keepAlive);
    if (pending) clearTimeout(pending);
  }
  return 0;
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM: how a watch ends. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
