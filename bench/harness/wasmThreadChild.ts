/**
 * tfjs initialises its wasm backend once per process, so a bench arm with
 * XNNPACK's thread pool at n threads (workers/engine/wasmThreads.ts,
 * LATENT_WASM_THREADS) runs in a child process: the bench re-runs its own
 * built script with `--child` and that env, and reads back the JSON line the
 * child prints last. Shared by bench/xnnThreads.ts and bench/perf.ts.
 */
import { execFileSync } from 'node:child_process';

/** Run `node script --child …argv` with LATENT_WASM_THREADS=threads and parse the JSON line it prints last. */
export function runWasmChild<T>(script: string, argv: readonly string[], threads: number): T {
  const stdout = execFileSync(process.execPath, [script, '--child', ...argv], {
    encoding: 'utf8', env: { ...process.env, LATENT_WASM_THREADS: String(threads) }, maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}
