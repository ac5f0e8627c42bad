/**
 * Load (issue 16, short form): a real serve process kept training 8 small
 * MNIST classifier runs (wasm, seeds 1, 2, 3, … in start order) for 2 minutes
 * (LATENT_LOAD_SECONDS to change it), 20 WebSocket clients and a runs.list
 * poller, through bench/harness/loadDriver.ts — the same driver as
 * bench/reliabilityLoad.ts. No point may be lost or duplicated between the
 * worker, SQLite, the API and the clients (definitions in
 * bench/harness/loadAudit.ts), no call may get a 5xx, every run must end done,
 * and the server's RSS must stay under a generous bound. Latencies are only
 * printed: timings on a shared machine are not asserted.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WS_BUFFER_LIMIT } from '../../main/server/clientSender';
import { LOAD_RUN_STEPS, runLoad } from '../../bench/harness/loadDriver';
import { requireBuilt, tempDir } from '../helpers/tempDir';

const seconds = Number(process.env.LATENT_LOAD_SECONDS ?? '120');
/** 8 wasm trainers measured at ~1.0 GB together (bench/results/reliability.json); 3 GB means something grows without bound. */
const RSS_BOUND_MB = 3072;

describe('load: 8 runs, 20 WebSocket clients, list polling', () => {
  it(`loses and duplicates no point over ${seconds} s`, async () => {
    requireBuilt();
    const dir = tempDir('latent-load-');
    try {
      const r = await runLoad({ dataDir: dir, durationMs: seconds * 1000, drainTimeoutMs: 300_000 });
      console.log(`load: ${r.runs.length} runs, ${r.audit.storedPoints} points, runs.list p50 ${r.listP50Ms.toFixed(0)} ms, p95 ${r.listP95Ms.toFixed(0)} ms (n = ${r.listLatenciesMs.length}), RSS max ${Math.max(...r.rssMb).toFixed(0)} MB`);

      expect(r.serverErrorSamples).toEqual([]);
      expect(r.serverErrors).toBe(0);
      expect(r.clientFailures).toEqual([]);
      expect(r.runs.filter((run) => run.status !== 'done')).toEqual([]);
      // The window kept 8 going, so at least the first 8 ran, each its 676 steps.
      expect(r.runs.length).toBeGreaterThanOrEqual(8);
      expect(r.audit.storedPoints).toBeGreaterThanOrEqual(r.runs.length * LOAD_RUN_STEPS);

      expect(r.audit.lostPoints).toBe(0);
      expect(r.audit.duplicatedPoints).toBe(0);
      expect(r.audit.outOfOrderDeliveries).toBe(0);
      expect(r.audit.valueMismatches).toBe(0);
      // Even a client the server coalesced for ends on SQLite's last point of every series.
      expect(r.audit.staleLastPoints).toBe(0);
      // A client that read less than the backpressure limit in all was never past it, so it got every point.
      r.clientBytes.forEach((bytes, i) => {
        if (bytes < WS_BUFFER_LIMIT) expect(r.audit.clients[i]!.missing, `client ${i} (${bytes} bytes)`).toBe(0);
      });

      expect(r.rssMb.length).toBeGreaterThan(0);
      expect(Math.max(...r.rssMb)).toBeLessThan(RSS_BOUND_MB);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, (seconds + 420) * 1000);
});
