/**
 * Settings → wasm threads (issue 17): the schema's bounds, the services'
 * refusals (more than the cores; classifier replicas with a pool), the
 * LATENT_WASM_THREADS override, and what RunService does with the setting —
 * the run's host alone gets it in its env, and the threads the host reports
 * in its ready message are recorded on the run. Real SQLite and services;
 * the host is the hand-driven fake (test/unit/main/fakeHost.ts).
 */
import * as os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import { requestSchemas } from '../../../main/common/api';
import { parseThreads } from '../../../main/cli/commands';
import { DatasetService } from '../../../main/services/datasetService';
import { EventBus } from '../../../main/services/eventBus';
import { RunService } from '../../../main/services/runService';
import { SettingsService } from '../../../main/services/settingsService';
import { checkWasmThreadsSetting, replicasWithThreadsProblem, wasmThreadsOverride } from '../../../main/services/wasmThreadsCheck';
import { runConfigSchema, type RunConfig } from '../../../workers/common/families/registry';
import { removeTempDirs, tempDir } from '../db/helpers';
import { fakeLauncher } from './fakeHost';

const cores = os.availableParallelism();
const schema = requestSchemas['settings.update'];

const classifier = (parallelReplicas: number): RunConfig => runConfigSchema.parse({
  family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 50 }, hyper: { epochs: 1, parallelReplicas },
});

const opened: { store: Store; runs?: RunService }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.runs?.close();
    o.store.close();
  }
  removeTempDirs();
});

function services(env: NodeJS.ProcessEnv = {}) {
  const dataDir = tempDir();
  const store = openStore(path.join(dataDir, 'workbench.sqlite'));
  const settings = new SettingsService(store, env);
  settings.update({ backend: 'wasm', maxConcurrentRuns: 1 });
  const { launch, hosts } = fakeLauncher();
  const runs = new RunService({ store, events: new EventBus(), datasets: new DatasetService(store, dataDir), settings, dataDir, launchHost: launch });
  opened.push({ store, runs });
  return { store, settings, runs, hosts, experimentId: store.ensureExperiment('Default').id };
}

describe('the settings.update schema', () => {
  it('takes a whole number from 1 to 64 and says what is wrong otherwise', () => {
    expect(schema.safeParse({ wasmThreads: 1 }).success).toBe(true);
    expect(schema.safeParse({ wasmThreads: 64 }).success).toBe(true);
    const message = (v: unknown): string | undefined => {
      const r = schema.safeParse({ wasmThreads: v });
      return r.success ? undefined : r.error.issues[0]?.message;
    };
    expect(message(0)).toBe('wasmThreads must be at least 1 (1 = single-threaded)');
    expect(message(65)).toBe('wasmThreads must be at most 64');
    expect(message(1.5)).toBe('wasmThreads must be a whole number');
    expect(message('2')).toBe('wasmThreads must be a whole number');
  });
});

describe('the refusals', () => {
  it('more threads than cores', () => {
    expect(() => checkWasmThreadsSetting(3, 2)).toThrow("wasmThreads: at most 2 (this machine's cores), not 3: XNNPACK's threads compute all the time, so more threads than cores only wait for each other");
    expect(() => checkWasmThreadsSetting(2, 2)).not.toThrow();
  });

  it('a wasm classifier run with replicas while the pool has more than one thread, naming both settings', () => {
    expect(replicasWithThreadsProblem(classifier(2), 'wasm', 2)).toBe(
      'parallelReplicas 2 with wasm threads 2: each replica would start its own pool of 2 XNNPACK threads (4 busy threads on this machine\'s cores); set parallelReplicas to 1 in the run, or wasm threads to 1 in Settings');
    expect(replicasWithThreadsProblem(classifier(2), 'wasm', 1)).toBeUndefined();
    expect(replicasWithThreadsProblem(classifier(1), 'wasm', 2)).toBeUndefined();
    // The cpu backend has no XNNPACK pool: the setting does nothing there.
    expect(replicasWithThreadsProblem(classifier(2), 'cpu', 2)).toBeUndefined();
  });

  it('the CLI flag: a whole number from 1 to the cores', () => {
    expect(parseThreads('2', 2)).toBe(2);
    expect(() => parseThreads('two', 2)).toThrow('--threads must be a whole number of XNNPACK threads ≥ 1 (1 is single-threaded), not "two"');
    expect(() => parseThreads('0', 2)).toThrow('--threads must be a whole number');
    expect(() => parseThreads('3', 2)).toThrow("--threads 3 is more than this machine's 2 cores");
  });

  it('LATENT_WASM_THREADS: unset is no override, 0 is every core, a typo or too many is refused', () => {
    expect(wasmThreadsOverride({}, 4)).toBeUndefined();
    expect(wasmThreadsOverride({ LATENT_WASM_THREADS: '3' }, 4)).toBe(3);
    expect(wasmThreadsOverride({ LATENT_WASM_THREADS: '0' }, 4)).toBe(4);
    expect(() => wasmThreadsOverride({ LATENT_WASM_THREADS: 'two' }, 4)).toThrow('LATENT_WASM_THREADS must be a whole number of threads (1 = single-threaded, 0 = every core); got "two"');
    expect(() => wasmThreadsOverride({ LATENT_WASM_THREADS: '5' }, 4)).toThrow("LATENT_WASM_THREADS=5 is more than this machine's 4 cores (use at most 4)");
  });
});

describe('SettingsService', () => {
  it('is 1 by default; keeps what is saved; refuses more than the cores and keeps the old value', () => {
    const { settings } = services();
    expect(settings.get().wasmThreads).toBe(1);
    expect(settings.update({ wasmThreads: cores }).wasmThreads).toBe(cores);
    expect(() => settings.update({ wasmThreads: cores + 1 })).toThrow(`wasmThreads: at most ${cores} (this machine's cores), not ${cores + 1}`);
    expect(settings.get().wasmThreads).toBe(cores);
  });

  it('LATENT_WASM_THREADS overrides the stored value, as LATENT_BACKEND does the backend', () => {
    const { store } = services();
    store.setSetting('wasmThreads', String(cores));
    expect(new SettingsService(store, { LATENT_WASM_THREADS: '1' }).get().wasmThreads).toBe(1);
    expect(() => new SettingsService(store, { LATENT_WASM_THREADS: 'lots' })).toThrow('LATENT_WASM_THREADS must be a whole number');
  });
});

describe.skipIf(cores < 2)('RunService with the setting at 2 (a fake host)', () => {
  it('gives the host LATENT_WASM_THREADS=2 in its own env, leaves this process\'s alone, and records the threads the host reports', () => {
    const before = process.env['LATENT_WASM_THREADS'];
    const t = services();
    t.settings.update({ wasmThreads: 2 });
    const run = t.runs.start(t.experimentId, classifier(1));
    const host = t.hosts[0]!;
    expect(host.kind).toBe('thread');
    expect(host.env).toEqual({ LATENT_WASM_THREADS: '2' });
    expect(process.env['LATENT_WASM_THREADS']).toBe(before);
    expect(t.runs.detail(run.id).wasmThreads).toBeUndefined(); // not before the host says what it runs with
    host.emit({ type: 'ready', backend: 'wasm', wasmThreads: 2 });
    expect(t.runs.detail(run.id)).toMatchObject({ backend: 'wasm', wasmThreads: 2 });
    expect(t.runs.list()[0]?.wasmThreads).toBe(2);
  });

  it('a run on another backend records no threads', () => {
    const t = services();
    const run = t.runs.start(t.experimentId, classifier(1));
    t.hosts[0]!.emit({ type: 'ready', backend: 'cpu' });
    expect(t.runs.detail(run.id).backend).toBe('cpu');
    expect('wasmThreads' in t.runs.detail(run.id)).toBe(false);
  });

  it('refuses a replicas run at creation, and fails a queued one at its start when the setting changed meanwhile', async () => {
    const t = services();
    t.settings.update({ wasmThreads: 2 });
    expect(() => t.runs.start(t.experimentId, classifier(2))).toThrow('parallelReplicas 2 with wasm threads 2');
    t.settings.update({ wasmThreads: 1 });
    const first = t.runs.start(t.experimentId, classifier(1)); // holds the one slot
    const queued = t.runs.start(t.experimentId, classifier(2));
    expect(t.runs.detail(queued.id).status).toBe('queued');
    t.settings.update({ wasmThreads: 2 });
    const ended = t.runs.waitForEnd(queued.id);
    t.hosts[0]!.emit({ type: 'ready', backend: 'wasm', wasmThreads: 1 }, { type: 'done', final: {} });
    t.hosts[0]!.exit();
    expect(await t.runs.waitForEnd(first.id)).toBe('done');
    expect(await ended).toBe('failed');
    expect(t.runs.detail(queued.id).error).toBe('parallelReplicas 2 with wasm threads 2: each replica would start its own pool of 2 XNNPACK threads (4 busy threads on this machine\'s cores); set parallelReplicas to 1 in the run, or wasm threads to 1 in Settings');
    expect(t.hosts).toHaveLength(1); // the refused run started no host
  });

  it('refuses to resume a replicas run while the pool has more than one thread, before touching its records', () => {
    const t = services();
    const run = t.runs.start(t.experimentId, classifier(2));
    const h = t.hosts[0]!;
    h.emit({ type: 'ready', backend: 'wasm', wasmThreads: 1 }, { type: 'checkpoint', checkpoint: { dir: 'runs/1/checkpoints/epoch-1', epoch: 1, step: 4 } });
    t.runs.cancel(run.id);
    h.emit({ type: 'cancelled' });
    h.exit();
    expect(t.runs.detail(run.id).status).toBe('cancelled');
    t.settings.update({ wasmThreads: 2 });
    expect(() => t.runs.resume(run.id)).toThrow('parallelReplicas 2 with wasm threads 2');
    expect(t.runs.detail(run.id).status).toBe('cancelled');
  });
});
