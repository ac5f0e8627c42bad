/**
 * Running a PyTorch twin of a benchmark fairly beside ours: the interpreter
 * that can import torch (the one on PATH, else Debian's), pinned with
 * taskset to as many cores as it has threads, OMP_WAIT_POLICY=PASSIVE (no
 * spinning threads stealing the core from the next round), and without the
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides of this environment (they
 * would slow OpenBLAS down; ours never reads them).
 */
import { spawnSync } from 'node:child_process';

export interface TorchInfo { python: string; version: string }

/** The first interpreter that imports torch, with torch's version; undefined (and why) when none does. */
export function findTorch(): TorchInfo | { error: string } {
  const tried: string[] = [];
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: torchEnv() });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    tried.push(`${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1) ?? 'failed'}`);
  }
  return { error: `no Python with torch (${tried.join('; ')}); apt-get install python3-torch libopenblas0-openmp` };
}

function torchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  return env;
}

/** Run `script args` on cores 0 … threads − 1 and parse the JSON line it prints last. */
export function runTorchScript<T>(torch: TorchInfo, script: string, args: readonly string[], threads: number): T {
  const cores = threads === 1 ? '0' : `0-${threads - 1}`;
  const r = spawnSync('taskset', ['-c', cores, torch.python, script, ...args, '--threads', String(threads)], { encoding: 'utf8', env: torchEnv(), maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}
