/**
 * Which tfjs backends this machine can load, found without loading any
 * native module into the main process (tfjs-node must only ever be loaded
 * in a training child process).
 *
 * Two answers: `availableBackends()` (the packages resolve; instant, for the
 * run form and `auto`) and `BackendProber` (each backend really loaded, one
 * op run, in a short-lived child process per backend: the real load error of
 * those that fail; cached until probed again), with the GPU diagnosis.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { BackendDiagnostics, BackendProbeResult } from '../common/backendDiagnostics';
import { diagnoseGpu, gpuRequirementText, type GpuFacts } from '../common/gpuDiagnosis';
import { backendPackages, describeBackends, isNativeBackend } from '../../workers/common/backends';
import { backendPreference, type BackendChoice, type BackendName } from '../../workers/common/protocol';
import { appRoot } from './appInfo';
import { gatherGpuFacts } from './gpuFacts';

function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

let cached: BackendName[] | undefined;

export function availableBackends(): BackendName[] {
  cached ??= describeBackends(resolvable).filter((b) => b.available).map((b) => b.backend);
  return [...cached];
}

/** Native backends run in a child process per run; the others in a worker thread. */
export const isNative = isNativeBackend;

/** The backend a run with this choice will most likely get (the worker has the final word). */
export function expectedBackend(choice: BackendChoice): BackendName {
  if (choice !== 'auto') return choice;
  return availableBackends()[0] ?? 'cpu';
}

/** What a probe process left: its stdout, and how it ended. */
export interface ProbeOutput { stdout: string; stderr: string; code: number | null; timedOut: boolean }

/**
 * Runs `entry BACKEND` in a fresh process. Node's default forks this Node;
 * the desktop app passes Electron's utilityProcess (main/electron/utilityHost.ts).
 */
export type ProbeRunner = (entry: string, args: readonly string[], timeoutMs: number) => Promise<ProbeOutput>;

export const nodeProbeRunner: ProbeRunner = (entry, args, timeoutMs) => new Promise((resolve) => {
  execFile(process.execPath, [entry, ...args], { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1 << 20, windowsHide: true }, (error, stdout, stderr) => {
    const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
    resolve({ stdout, stderr, code, timedOut: error?.killed === true });
  });
});

export function probeWorkerEntry(): string {
  const entry = path.join(appRoot, 'dist', 'workers', 'host', 'backendProbeWorker.js');
  if (!fs.existsSync(entry)) throw new Error(`Backend probe not built: ${entry} is missing (run npm run build)`);
  return entry;
}

const probeLineSchema = z.object({ loaded: z.boolean(), error: z.string().optional(), node: z.string().optional() });

/** A GPU build that compiles PTX at start can take minutes; a probe is abandoned after this. */
export const probeTimeoutMs = 180_000;

/** The probe's result from its output: the last JSON line it printed, else why there is none (the process's own words). */
export function readProbeOutput(backend: BackendName, out: ProbeOutput): BackendProbeResult {
  const base: BackendProbeResult = { backend, installed: true, loaded: false };
  const packageName = backendPackages[backend];
  if (packageName) base.packageName = packageName;
  const line = out.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{')).at(-1);
  if (line !== undefined) {
    try {
      const parsed = probeLineSchema.parse(JSON.parse(line));
      return { ...base, loaded: parsed.loaded, ...(parsed.error ? { error: parsed.error } : {}), ...(parsed.node ? { node: parsed.node } : {}) };
    } catch {
      // Not the probe's line: fall through to the process's own words.
    }
  }
  const stderr = out.stderr.trim().split('\n').slice(-12).join('\n');
  const how = out.timedOut ? `did not finish within ${probeTimeoutMs / 1000} s` : `ended with exit code ${String(out.code)} before answering`;
  return { ...base, error: `The probe process ${how}${stderr ? `:\n${stderr}` : ''}` };
}

export interface BackendProberOptions {
  runner?: ProbeRunner;
  entry?: () => string;
  gpuFacts?: () => Promise<GpuFacts>;
  now?: () => number;
}

/** Probes every backend once (each in its own process, together), caches the answer, probes again on request. */
export class BackendProber {
  private result: Promise<BackendDiagnostics> | undefined;

  constructor(private readonly o: BackendProberOptions = {}) {}

  diagnostics(refresh = false): Promise<BackendDiagnostics> {
    if (refresh || !this.result) this.result = this.probeAll();
    return this.result;
  }

  private async probeOne(backend: BackendName, entry: string): Promise<BackendProbeResult> {
    const packageName = backendPackages[backend];
    if (packageName && !resolvable(packageName)) {
      return { backend, packageName, installed: false, loaded: false, error: `${packageName} is not installed (npm install ${packageName})` };
    }
    const out = await (this.o.runner ?? nodeProbeRunner)(entry, [backend], probeTimeoutMs);
    return readProbeOutput(backend, out);
  }

  private async probeAll(): Promise<BackendDiagnostics> {
    const entry = (this.o.entry ?? probeWorkerEntry)();
    const [backends, facts] = await Promise.all([
      Promise.all(backendPreference.map((b) => this.probeOne(b, entry))),
      (this.o.gpuFacts ?? gatherGpuFacts)(),
    ]);
    return { probedAt: (this.o.now ?? Date.now)(), backends, gpu: { requirements: gpuRequirementText, findings: diagnoseGpu(facts) } };
  }
}
