/** One RunSession over a real SQLite store, with a fake host: what it leaves behind however the host ends. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import type { RunProgress, RunStatus } from '../../../main/common/domain';
import { EventBus } from '../../../main/services/eventBus';
import { RunSession, type SessionOptions } from '../../../main/services/runSession';
import type { HostKind } from '../../../main/services/trainingHost';
import { removeTempDirs, sampleRun, tempDir } from '../db/helpers';
import { fakeLauncher, type FakeHost } from './fakeHost';

let store: Store;
let dataDir: string;
let runId: number;

beforeEach(() => {
  dataDir = tempDir();
  store = openStore(path.join(dataDir, 'workbench.sqlite'));
  runId = store.createRun(sampleRun(store.ensureExperiment('Default').id)).id;
  store.setRunStatus(runId, 'running');
});

afterEach(() => {
  vi.useRealTimers();
  store.close();
  removeTempDirs();
});

function session(overrides: Partial<SessionOptions> = {}, hostKind: HostKind = 'thread') {
  const { launch, hosts } = fakeLauncher();
  const ends: [number, RunStatus][] = [];
  const progress: RunProgress[] = [];
  const events = new EventBus();
  events.on('runs.onDidProgress', (p) => progress.push(p.progress));
  const s = new RunSession({
    store, events, dataDir, runId, hostKind, backend: 'cpu', launch,
    onEnd: (id, status) => ends.push([id, status]), onChange: () => {},
    ...overrides,
  });
  s.start();
  const host = (): FakeHost => {
    if (!hosts[0]) throw new Error('no host was launched');
    return hosts[0];
  };
  return { s, host, hosts, ends, progress };
}

describe('RunSession with a fake host', () => {
  it('kills a host that does not stop within the grace period after a cancel, and the run ends cancelled', async () => {
    vi.useFakeTimers();
    const { s, host, ends } = session({ cancelGraceMs: 1_000 });
    host().emit({ type: 'ready', backend: 'cpu' });
    s.cancel();
    expect(host().sent.at(-1)).toEqual({ type: 'cancel' });
    vi.advanceTimersByTime(999);
    expect(host().killed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(host().killed).toBe(true);
    await vi.runAllTimersAsync();
    expect(ends).toEqual([[runId, 'cancelled']]);
    expect(store.getRun(runId)).toMatchObject({ status: 'cancelled', error: null });
  });

  it('a host that stops in time is not killed, and its end is reported once', () => {
    vi.useFakeTimers();
    const { s, host, ends } = session({ cancelGraceMs: 1_000 });
    s.cancel();
    host().emit({ type: 'cancelled' });
    host().exit({ code: 0 });
    vi.advanceTimersByTime(5_000);
    expect(host().killed).toBe(false);
    s.cancel();
    host().exit({ code: 0 });
    expect(ends).toEqual([[runId, 'cancelled']]);
  });

  it('estimates the time left from the steps done since it started (a resumed run counts from its first step)', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { host, progress, s } = session();
    vi.setSystemTime(1_000_000 + 2_000);
    host().emit({ type: 'progress', epoch: 1, epochs: 2, step: 11, totalSteps: 20 });
    vi.setSystemTime(1_000_000 + 4_000);
    host().emit({ type: 'progress', epoch: 1, epochs: 2, step: 12, totalSteps: 20 });
    // Started at step 10 (the first report is step 11): 2 steps in 4 s, 8 left.
    expect(progress.map((p) => p.etaMs)).toEqual([2_000 * 9, 16_000]);
    expect(s.progress).toMatchObject({ step: 12, totalSteps: 20, etaMs: 16_000 });
    host().exit({ code: 0 });
    expect(s.progress).toBeNull();
  });

  it('names the host it trains in, and a host that reports an error event fails the run with it', () => {
    const { host, ends } = session({}, 'process');
    host().emit({ type: 'ready', backend: 'cpu' });
    expect(store.getLogs(runId).at(-1)?.message).toBe('Training on backend cpu (child process)');
    host().exit({ code: null, error: new Error('spawn ENOMEM') });
    expect(ends).toEqual([[runId, 'failed']]);
    expect(store.getRun(runId)?.error).toBe('The training worker stopped unexpectedly (spawn ENOMEM). Metrics recorded so far are kept.');
  });

  it('does not start a host for a run whose stored config cannot be read', () => {
    store.close();
    const raw = new Database(path.join(dataDir, 'workbench.sqlite'));
    raw.prepare('UPDATE runs SET config_version = 99 WHERE id = ?').run(runId);
    raw.close();
    store = openStore(path.join(dataDir, 'workbench.sqlite'));
    // The reopened store is a new owner: it takes the run, as the run service does before starting a session.
    store.setRunStatus(runId, 'running');
    const { hosts, ends } = session();
    expect(hosts).toEqual([]);
    expect(ends).toEqual([[runId, 'failed']]);
    expect(store.getRun(runId)?.error).toMatch(/stored config cannot be read: Stored run config has version 99, newer than the latest this app knows/);
  });
});
