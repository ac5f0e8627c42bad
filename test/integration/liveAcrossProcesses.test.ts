/**
 * Issue 15: two sets of services on one real data folder, as two processes
 * (the app and the CLI, or two `serve`s) would have them. A run that A trains
 * reaches B's event bus, with its points, logs and status, as A writes them;
 * nothing is sent twice on either side; a third opening of the folder while
 * A trains leaves A's run alone; closing stops the watcher.
 * The run: an MLP on 500 MNIST images, 2 epochs, batch 32, seed 11 (wasm).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEventName, ApiEvents } from '../../main/common/api';
import type { RunSummary } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { mlpConfig } from '../helpers/configs';
import { requireBuilt, tempDir } from '../helpers/tempDir';

const dataDir = tempDir();
const env = { LATENT_BACKEND: 'wasm' };
const open: AppServices[] = [];
afterAll(async () => { for (const s of open) await s.close(); });

function services(): AppServices {
  const s = createServices({ dataDir, env, watchOtherProcesses: 100 });
  open.push(s);
  return s;
}

interface Heard { event: ApiEventName; payload: ApiEvents[ApiEventName] }

function record(s: AppServices): Heard[] {
  const heard: Heard[] = [];
  s.events.subscribe((m) => heard.push({ event: m.event, payload: m.payload }));
  return heard;
}

function of<E extends ApiEventName>(heard: readonly Heard[], event: E): ApiEvents[E][] {
  // The bus's messages pair each name with its payload's type.
  return heard.filter((h) => h.event === event).map((h) => h.payload as ApiEvents[E]);
}

async function until(what: string, ok: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pointId = (p: { key: string; step: number }): string => `${p.key}@${p.step}`;
const state = (s: RunSummary): string => JSON.stringify([s.status, s.backend, s.startedAt, s.endedAt, s.notes, s.tags]);

describe('runs live across processes on one data folder', () => {
  it('a run A trains reaches B with its points, logs and status once each; neither side repeats itself', async () => {
    requireBuilt();
    const a = services();
    const b = services();
    const heardA = record(a);
    const heardB = record(b);
    const experimentId = a.experiments.create('live', 'issue 15').id;
    const run = a.runs.start(experimentId, mlpConfig({ epochs: 2, batchSize: 32, seed: 11, validationSplit: 0 }, { trainSize: 500, testSize: 200 }));

    // B hears of the run and of its first points while it is still training.
    await until('B to hear points of the run', () => of(heardB, 'runs.onDidLogMetrics').some((m) => m.runId === run.id));
    const firstB = of(heardB, 'runs.onDidChange').filter((s) => s.id === run.id);
    expect(firstB.length).toBeGreaterThan(0);
    expect(firstB[0]?.experimentId).toBe(experimentId);

    // A third opening of the folder while A trains must not take A's run for a crash's.
    const c = services();
    expect(c.interruptedAtStart).not.toContain(run.id);
    await c.close();

    // B annotates A's run: A hears it from B once; B does not hear its own change back.
    b.runs.update(run.id, { notes: 'seen from B' });
    await expect(a.runs.waitForEnd(run.id)).resolves.toBe('done');
    await until('B to hear the run end', () => of(heardB, 'runs.onDidChange').some((s) => s.id === run.id && s.status === 'done'));
    await until('A to hear B\'s note', () => of(heardA, 'runs.onDidChange').some((s) => s.id === run.id && s.notes === 'seen from B'));

    // B's points are the stored points, each once; A's own watcher added none to A's.
    const stored = a.runs.metrics(run.id).flatMap((m) => m.steps.map((step) => `${m.key}@${step}`)).sort();
    const pointsOf = (heard: readonly Heard[]): string[] => of(heard, 'runs.onDidLogMetrics').filter((m) => m.runId === run.id).flatMap((m) => m.points.map(pointId)).sort();
    expect(pointsOf(heardB)).toEqual(stored);
    expect(pointsOf(heardA)).toEqual(stored);

    // Every log line once on each side (B heard them all: it watched before the run was queued).
    const storedLogs = a.runs.logs(run.id).map((l) => l.id);
    const logsOf = (heard: readonly Heard[]): number[] => of(heard, 'runs.onDidLog').filter((l) => l.runId === run.id).map((l) => l.id).sort((x, y) => x - y);
    expect(logsOf(heardB)).toEqual(storedLogs);
    // A's RunService writes its "Queued" line without an event; every other line A sent once.
    expect(logsOf(heardA)).toEqual(storedLogs.slice(1));

    // Neither side sends the same state of the run twice in a row, and B ends where A ended.
    for (const heard of [heardA, heardB]) {
      const states = of(heard, 'runs.onDidChange').filter((s) => s.id === run.id).map(state);
      expect(states.filter((s, i) => i > 0 && s === states[i - 1])).toEqual([]);
    }
    const lastB = of(heardB, 'runs.onDidChange').filter((s) => s.id === run.id).pop();
    expect(lastB).toMatchObject({ status: 'done', notes: 'seen from B', endedAt: a.runs.summary(run.id).endedAt });
    expect(of(heardB, 'runs.onDidChange').filter((s) => s.id === run.id && s.status === 'done').length).toBe(1);
  }, 180_000);

  it('a run deleted in one process leaves the other\'s windows; a closed watcher stops looking', async () => {
    const [a, b] = [open[0]!, open[1]!];
    const late = services();
    const heardLate = record(late);
    const heardB = record(b);
    expect(b.changes.watching).toBe(true);
    await b.close();
    expect(b.changes.watching).toBe(false);
    expect(b.changes.look()).toBe(false);

    const [done] = a.runs.list({}).filter((r) => r.status === 'done');
    expect(done).toBeDefined();
    a.runs.delete(done!.id);
    await until('a live watcher to hear the deletion', () => of(heardLate, 'runs.onDidDelete').some((d) => d.id === done!.id));
    expect(of(heardLate, 'runs.onDidDelete').filter((d) => d.id === done!.id).length).toBe(1);
    // A few more of B's former intervals: the closed watcher sent nothing.
    await new Promise((r) => setTimeout(r, 300));
    expect(heardB).toEqual([]);
  });
});
