/**
 * WebSocket backpressure (issue 16 point 11), against the real serve server
 * and a real ws client that stops reading (its socket paused) while ~48 MB of
 * metric events are emitted on the services' bus: the bytes queued for it stay
 * near the limit instead of growing with the events, replaced values are
 * counted, and once it reads again it receives the latest value of every
 * (run, key), each key's steps in order.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WireEvent } from '../../main/common/wire';
import { createServices, type AppServices } from '../../main/services/appServices';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import type { MetricKey, MetricPoint } from '../../workers/common/protocol';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'backpressure-token';
const LIMIT = 256 * 1024;
const RUNS = [1, 2, 3];
const KEYS: MetricKey[] = ['loss', 'val_loss', 'test_accuracy', 'val_accuracy'];
const BATCHES = 60;
/** 6,000 events in all (a multiple of RUNS.length, so every run ends at the same step). */
const EVENTS_PER_BATCH = 100;
const POINTS_PER_KEY = 25;

let s: AppServices;
let server: RunningServer;

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer'), wsBufferLimit: LIMIT });
});
afterAll(async () => { await server.close(); await s.close(); });

/** One metrics event: POINTS_PER_KEY points of each key, steps from `first`. */
function metrics(runId: number, first: number): WireEvent<'runs.onDidLogMetrics'>['payload'] {
  const points: MetricPoint[] = [];
  for (let i = 0; i < POINTS_PER_KEY; i++) for (const key of KEYS) points.push({ key, step: first + i, value: 1 / (first + i + 1), wallTime: 1_700_000_000_000 + first + i });
  return { runId, points };
}

describe('WebSocket backpressure', () => {
  it('keeps a stalled client bounded and sends it the latest values once it reads again', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${token}`);
    const received: WireEvent[] = [];
    ws.on('message', (data: Buffer) => { received.push(JSON.parse(data.toString('utf8')) as WireEvent); });
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    ws.pause();

    let step = 0;
    let bytes = 0;
    let n = 0;
    for (let b = 0; b < BATCHES; b++) {
      for (let e = 0; e < EVENTS_PER_BATCH; e++, n++) {
        // Runs in turn, each event of a round at the same steps.
        const runId = RUNS[n % RUNS.length]!;
        const payload = metrics(runId, step);
        bytes += JSON.stringify(payload).length;
        s.events.emit('runs.onDidLogMetrics', payload);
        if (runId === RUNS.at(-1)) step += POINTS_PER_KEY;
      }
      await new Promise((r) => setImmediate(r));
    }
    const lastStep = step - 1;
    const [stats] = server.clientStats();
    expect(bytes).toBeGreaterThan(40 * 1024 * 1024);
    // At most the limit plus one event (~8 KB) is ever queued for it.
    expect(stats!.maxBufferedAmount).toBeLessThanOrEqual(LIMIT + 16 * 1024);
    expect(stats!.dropped).toBeGreaterThan(0);
    expect(stats!.pending).toBe(RUNS.length * KEYS.length);

    ws.resume();
    const latest = (): Map<string, number> => {
      const m = new Map<string, number>();
      for (const r of received) {
        if (r.event !== 'runs.onDidLogMetrics') continue;
        const p = r.payload as WireEvent<'runs.onDidLogMetrics'>['payload'];
        for (const point of p.points) m.set(`${p.runId}|${point.key}`, point.step);
      }
      return m;
    };
    while ([...latest().values()].filter((v) => v === lastStep).length < RUNS.length * KEYS.length) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // Every (run, key) ends at the last step emitted, and no key ever goes back in steps.
    const seen = new Map<string, number>();
    for (const r of received) {
      expect(r.event).toBe('runs.onDidLogMetrics');
      const p = r.payload as WireEvent<'runs.onDidLogMetrics'>['payload'];
      for (const point of p.points) {
        const k = `${p.runId}|${point.key}`;
        expect(point.step).toBeGreaterThan(seen.get(k) ?? -1);
        seen.set(k, point.step);
      }
    }
    expect(seen.size).toBe(RUNS.length * KEYS.length);
    expect(server.clientStats()[0]!.pending).toBe(0);
    ws.close();
  }, 60_000);
});
