/**
 * Issue 16, points 2 and 3, with real processes: a parent (the built app's
 * services in a node child, test/helpers/orphanParent.cjs) trains a run in a
 * child-process host. While it lives, opening the folder here leaves its run
 * 'running' and refuses to resume it, naming the owner; once the parent is
 * SIGKILLed, its training child ends on its own (its IPC channel closed),
 * and the next opening marks the run interrupted and resumes it from the
 * checkpoint the child wrote. Seed 7, MNIST 400/100, batch 8, wasm.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { isTrainingHost, processRunning } from '../../main/services/orphanHosts';
import { mlpConfig } from '../helpers/configs';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

beforeAll(requireBuilt);

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** Starts the parent; resolves with it and its run once that run has a checkpoint. */
async function parentTraining(dataDir: string): Promise<{ parent: ChildProcess; runId: number }> {
  // Enough epochs that, left alone, the child would train for minutes after its parent died.
  const config = mlpConfig({ epochs: 200, batchSize: 8, seed: 7 }, { trainSize: 400, testSize: 100 });
  const parent = spawn(process.execPath, [path.join(repoRoot, 'test', 'helpers', 'orphanParent.cjs'), dataDir, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.push(() => kill(parent.pid));
  const lines = createInterface({ input: parent.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    parent.once('exit', (code) => reject(new Error(`the parent exited (code ${String(code)}) before its run wrote a checkpoint`)));
  });
  const { runId } = JSON.parse(first) as { runId: number };
  return { parent, runId };
}

function open(dataDir: string): AppServices {
  const s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm', LATENT_HOST: 'process' }, watchOtherProcesses: false });
  cleanup.push(() => s.close());
  return s;
}

describe('a SIGKILLed parent with a child-process host', () => {
  it('leaves no training child, and its run is live while the parent is, interrupted and resumable after', async () => {
    const dataDir = tempDir();
    const { parent, runId } = await parentTraining(dataDir);

    const here = open(dataDir);
    expect(here.interruptedAtStart).toEqual([]);
    expect(here.runs.list({}).find((r) => r.id === runId)?.status).toBe('running');
    expect(() => here.runs.resume(runId)).toThrow(new RegExp(`owned by process ${String(parent.pid)} on host .+, which is still running`));
    const childPid = here.store.runLease(runId)?.hostPid ?? null;
    expect(childPid).not.toBeNull();
    expect(childPid).not.toBe(parent.pid);
    expect(processRunning(childPid!)).toBe(true);
    expect(isTrainingHost(childPid!)).toBe(true);
    cleanup.push(() => kill(childPid!));

    parent.kill('SIGKILL');
    await expect.poll(() => processRunning(childPid!), { timeout: 30_000, interval: 100 }).toBe(false);
    expect(here.store.getRun(runId)?.status).toBe('running');

    const next = open(dataDir);
    expect(next.interruptedAtStart).toEqual([runId]);
    const checkpoint = next.store.latestCheckpoint(runId);
    expect(checkpoint?.epoch).toBeGreaterThanOrEqual(1);
    next.runs.resume(runId);
    await expect.poll(() => next.runs.logs(runId).map((l) => l.message).join('\n'), { timeout: 60_000, interval: 200 })
      .toContain(`after epoch ${String(checkpoint?.epoch)}`);
    next.runs.cancel(runId);
    await expect(next.runs.waitForEnd(runId)).resolves.toBe('cancelled');
  });
});
