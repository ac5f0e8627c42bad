/**
 * `runs --watch --json` as a user runs it (the built CLI, a real process):
 * a run another process trains on the same data folder arrives as JSON lines,
 * its points while it trains and its end, and Ctrl-C ends the watch cleanly.
 * The run: an MLP on 500 MNIST images, up to 200 epochs, batch 32, seed 3
 * (wasm), started first and long enough that the watch, however slowly it
 * starts, begins while it trains; it is cancelled once the watch has seen
 * its points, and the watch reports that end.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { mlpConfig } from '../helpers/configs';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
const dataDir = tempDir();
let app: AppServices | undefined;
afterAll(async () => { await app?.close(); });

interface Line { event: string; payload: { id?: number; runId?: number; status?: string } }

describe('runs --watch', () => {
  it('streams another process\'s run as JSON lines, live, and ends on Ctrl-C', async () => {
    requireBuilt();
    app = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    const experimentId = app.experiments.create('watched', '').id;
    const run = app.runs.start(experimentId, mlpConfig({ epochs: 200, batchSize: 32, seed: 3, validationSplit: 0 }, { trainSize: 500, testSize: 100 }));
    const child = spawn(process.execPath, [cli, 'runs', '--watch', '--json', '--experiment', 'watched', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: Line[] = [];
    let onLine: (() => void) | undefined;
    readline.createInterface({ input: child.stdout }).on('line', (text) => {
      lines.push(JSON.parse(text) as Line);
      onLine?.();
    });
    const until = (ok: () => boolean): Promise<void> => new Promise((resolve, reject) => {
      const check = (): void => { if (ok()) resolve(); };
      onLine = check;
      void exited.then((code) => reject(new Error(`runs --watch exited (${code}) early: ${stderr}`)));
      check();
    });

    // The first line is the run as the watch found it; points and the end come after.
    await until(() => lines.length > 0);
    expect(lines[0]).toMatchObject({ event: 'runs.onDidChange', payload: { id: run.id } });
    await until(() => lines.some((l) => l.event === 'runs.onDidLogMetrics' && l.payload.runId === run.id));
    app.runs.cancel(run.id);
    await until(() => lines.some((l) => l.event === 'runs.onDidChange' && l.payload.id === run.id && l.payload.status === 'cancelled'));
    const endAt = lines.findIndex((l) => l.event === 'runs.onDidChange' && l.payload.status === 'cancelled');
    const firstPoints = lines.findIndex((l) => l.event === 'runs.onDidLogMetrics' && l.payload.runId === run.id);
    expect(firstPoints).toBeGreaterThanOrEqual(0);
    expect(firstPoints).toBeLessThan(endAt);
    expect(lines.every((l) => l.payload.id === run.id || l.payload.runId === run.id)).toBe(true);

    child.kill('SIGINT');
    await expect(exited).resolves.toBe(0);
    expect(stderr).toBe('');
  }, 120_000);
});
