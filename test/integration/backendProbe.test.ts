/**
 * Backend diagnostics through the real services: each backend is loaded in
 * its own child process (never in this one), the answer is cached until
 * "probe again", and a probe process that dies says how. tfjs-node is not
 * installed on this machine, so its rows read "not installed"; wasm and cpu
 * really load, also on Node 24 (Electron 41's Node).
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { BackendProber, nodeProbeRunner, probeWorkerEntry, type ProbeRunner } from '../../main/services/backendProbe';
import { dispatch } from '../../main/services/dispatch';
import { node24Binary } from '../helpers/node24';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;
beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir: tempDir() });
});
afterAll(async () => { await s.close(); });

/** A probe runner on another Node binary, as the desktop app's utility process runs Electron's. */
function runnerOn(execPath: string): ProbeRunner {
  return (entry, args, timeoutMs) => new Promise((resolve) => {
    execFile(execPath, [entry, ...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : null) : 0, timedOut: error?.killed === true });
    });
  });
}

describe('system.backends', () => {
  it('loads each backend in a child process, caches the answer and probes again on request', async () => {
    const first = await s.handlers['system.backends']({});
    expect(first.backends.map((b) => b.backend)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    const byName = new Map(first.backends.map((b) => [b.backend, b]));
    expect(byName.get('wasm')).toEqual({ backend: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', installed: true, loaded: true, node: process.version });
    expect(byName.get('cpu')).toEqual({ backend: 'cpu', installed: true, loaded: true, node: process.version });
    expect(byName.get('tensorflow')).toEqual({
      backend: 'tensorflow', packageName: '@tensorflow/tfjs-node', installed: false, loaded: false,
      error: '@tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node)',
    });
    expect(first.gpu.requirements).toContain('CUDA 11.2, cuDNN 8.1');
    expect(first.gpu.findings.length).toBeGreaterThan(0);

    expect(await s.handlers['system.backends']({})).toBe(first);
    const again = await s.handlers['system.backends']({ refresh: true });
    expect(again).not.toBe(first);
    expect(again.backends).toEqual(first.backends);
  });

  it('refuses a request that is not {refresh?: boolean}', async () => {
    const r = await dispatch(s.handlers, 'system.backends', { refresh: 'yes' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request', issues: [{ path: ['refresh'], message: 'refresh must be true or false' }] } });
  });

  it('says how a probe process died when it printed no answer', async () => {
    // A real process that fails the way a native crash would: stderr, a non-zero exit, no JSON line.
    const crashing: ProbeRunner = (_entry, args, timeoutMs) => nodeProbeRunner('-e', ['process.stderr.write("Segmentation fault in libtensorflow\\n"); process.exit(139)', ...args], timeoutMs);
    const prober = new BackendProber({ runner: crashing, gpuFacts: () => Promise.resolve({ platform: 'darwin' }) });
    const d = await prober.diagnostics();
    expect(d.backends.find((b) => b.backend === 'cpu')).toEqual({
      backend: 'cpu', installed: true, loaded: false, error: 'The probe process ended with exit code 139 before answering:\nSegmentation fault in libtensorflow',
    });
    expect(d.gpu.findings).toEqual([{ level: 'error', message: 'macOS has no CUDA: tfjs-node-gpu cannot run here. Use tensorflow (the CPU build), wasm or cpu.' }]);
  });

  it('loads wasm on Node 24, with the util helpers restored', async () => {
    const node24 = node24Binary();
    if ('skip' in node24) { console.log(node24.skip); return; }
    const prober = new BackendProber({ runner: runnerOn(node24.path), entry: probeWorkerEntry, gpuFacts: () => Promise.resolve({ platform: 'linux' }) });
    const wasm = (await prober.diagnostics()).backends.find((b) => b.backend === 'wasm');
    expect(wasm?.loaded).toBe(true);
    expect(wasm?.node).toMatch(/^v24\./);
  });
});
