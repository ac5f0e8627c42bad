/**
 * XNNPACK's thread pool for tfjs 4.22's wasm backend under Node.
 *
 * tfjs never picks its threaded build under Node (flag
 * WASM_HAS_MULTITHREAD_SUPPORT answers false there), and three things stop it
 * when forced:
 * 1. init() hands Emscripten the pthread worker script as a Blob object URL,
 *    which `new worker_threads.Worker(url)` cannot open;
 * 2. it hands the workers the main script as a Blob, which the worker's
 *    `importScripts` (fs.readFileSync) cannot read;
 * 3. the C++ side caps the pool at (logical cores / 2) — one thread on a
 *    2-core machine, whatever setThreadsCount asked for.
 * So, only while the backend initialises: the worker script is written to a
 * private temp file (0600 in a 0700 folder, removed once the backend is up:
 * Emscripten starts and loads its 8 pool workers before init resolves), with a
 * suffix that points the workers' 'load' message at the package's own
 * wasm-out/tfjs-backend-wasm-threaded-simd.js (the same Emscripten build the
 * bundle inlines); URL.createObjectURL returns that path for exactly the
 * worker Blob; os.cpus reports 2 × the requested count. Every piece is checked
 * against the exact shape it expects first; anything else leaves the backend
 * single-threaded and says why.
 *
 * The pool's pthreads are ref'd workers that never exit: they are unref'd so a
 * host or bench process can still end on its own.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';

const load = createRequire(__filename);
const PACKAGE = '@tensorflow/tfjs-backend-wasm';
const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';
const MAIN_FILE = 'tfjs-backend-wasm-threaded-simd.js';
/** The worker's 'load' branch this patch relies on (Emscripten 3.1.x as bundled in tfjs 4.22). */
const WORKER_LOAD_BRANCH = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
const MAIN_DECLARATION = 'var WasmBackendModuleThreadedSimd = ';

/** LATENT_WASM_THREADS: unset or unparsable → 1 (today's single-threaded backend); 0 → every logical core. */
export function wasmThreadsSetting(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['LATENT_WASM_THREADS'];
  if (raw === undefined || raw.trim() === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) return 1;
  return n === 0 ? os.cpus().length : Math.min(n, 8); // tfjs pre-creates 8 pool workers, its own cap
}

export interface WasmThreadsResult {
  /** XNNPACK's pool size as tfjs reports it after init (1 = single-threaded). */
  threads: number;
  /** Why fewer threads than requested (absent when the request was met). */
  fallback?: string;
}

interface Prepared { setThreadsCount: (n: number) => void; getThreadsCount: () => number; workerScript: string; blobSize: number }

/** The package's functions and the worker script with its suffix, or why the shape is not the one this patch knows. */
function prepare(): Prepared | string {
  const pkg: unknown = load(PACKAGE);
  const setThreadsCount: unknown = Reflect.get(Object(pkg), 'setThreadsCount');
  const getThreadsCount: unknown = Reflect.get(Object(pkg), 'getThreadsCount');
  if (typeof setThreadsCount !== 'function' || typeof getThreadsCount !== 'function') return `${PACKAGE} exports no setThreadsCount/getThreadsCount`;
  const outDir = path.join(path.dirname(load.resolve(PACKAGE)), '..', 'wasm-out');
  const contents: unknown = Reflect.get(Object(load(path.join(outDir, WORKER_FILE))), 'wasmWorkerContents');
  if (typeof contents !== 'string' || !contents.includes(WORKER_LOAD_BRANCH) || !contents.includes('self.onmessage=')) return `${WORKER_FILE} is not the worker script this patch knows`;
  const mainScript = path.join(outDir, MAIN_FILE);
  if (!fs.existsSync(mainScript) || !fs.readFileSync(mainScript, 'utf8').trimStart().startsWith(MAIN_DECLARATION)) return `${MAIN_FILE} is not the Emscripten module this patch knows`;
  if (typeof URL.createObjectURL !== 'function' || typeof Blob !== 'function') return 'this Node has no URL.createObjectURL/Blob';
  // tfjs escapes newlines the same way before making its Blob; the size identifies that Blob.
  const escaped = contents.replace(/\n/g, '\\n');
  const suffix = `;(function(){var o=self.onmessage;self.onmessage=function(e){if(e&&e.data&&e.data.cmd==="load"&&typeof e.data.urlOrBlob!=="string"){e.data.urlOrBlob=${JSON.stringify(mainScript)}}return o(e)}})();`;
  // A pool worker that fails to start throws inside Emscripten's event handler (uncaught): compile it here first.
  try {
    new vm.Script(escaped + suffix, { filename: WORKER_FILE });
  } catch (error) {
    return `the patched ${WORKER_FILE} does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {
    setThreadsCount: (n) => { Reflect.apply(setThreadsCount, undefined, [n]); },
    getThreadsCount: () => Number(Reflect.apply(getThreadsCount, undefined, [])),
    workerScript: escaped + suffix, blobSize: Buffer.byteLength(escaped),
  };
}

/** Runs `init` with the three init-time patches in place, then removes them and the temp folder. */
async function withPatches<T>(p: Prepared, threads: number, init: () => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-xnn-'));
  fs.chmodSync(dir, 0o700);
  const workerFile = path.join(dir, 'pthread-worker.js');
  fs.writeFileSync(workerFile, p.workerScript, { mode: 0o600 });
  const createObjectURL = URL.createObjectURL;
  // The module object tfjs itself required (an `import * as` namespace may be a copy).
  const nodeOs: unknown = load('os');
  const realCpus: unknown = Reflect.get(Object(nodeOs), 'cpus');
  const cpus = os.cpus();
  URL.createObjectURL = (obj) => (obj instanceof Blob && obj.type === 'application/javascript' && obj.size === p.blobSize ? workerFile : createObjectURL(obj));
  // tfjs caps the pool at cores / 2 (it assumes hyper-threads): report twice the count asked for.
  Reflect.set(Object(nodeOs), 'cpus', () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]));
  try {
    return await init();
  } finally {
    URL.createObjectURL = createObjectURL;
    Reflect.set(Object(nodeOs), 'cpus', realCpus);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Lets the process end although the pool's pthreads (ref'd workers that never exit) are running. */
function unrefPool(): void {
  const pthread: unknown = Reflect.get(Object(Reflect.get(Object(tf.backend()), 'wasm')), 'PThread');
  const running: unknown = Reflect.get(Object(pthread), 'runningWorkers');
  if (!Array.isArray(running)) return;
  for (const w of running) {
    const unref: unknown = Reflect.get(Object(w), 'unref');
    if (typeof unref === 'function') Reflect.apply(unref, w, []);
  }
}

/** This thread's last wasm initialisation through initWasmWithThreads (tfjs initialises a backend once per thread). */
let installed: WasmThreadsResult | undefined;

/** What the wasm backend of this thread runs with, once initialised through initWasmWithThreads. */
export function wasmThreadsInUse(): WasmThreadsResult | undefined {
  return installed;
}

async function initThreaded<T>(threads: number, init: () => Promise<T>): Promise<{ value: T; result: WasmThreadsResult }> {
  const p = prepare();
  if (typeof p === 'string') return { value: await init(), result: { threads: 1, fallback: p } };
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) return { value: await init(), result: { threads: 1, fallback: 'no wasm SIMD: tfjs has no threaded build without it' } };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  p.setThreadsCount(threads);
  const value = await withPatches(p, threads, init);
  if (tf.getBackend() !== 'wasm') return { value, result: { threads: 1, fallback: 'the wasm backend did not initialise' } };
  unrefPool();
  const actual = p.getThreadsCount();
  return { value, result: actual === threads ? { threads } : { threads: actual, fallback: `tfjs made a pool of ${actual} thread(s), not ${threads}` } };
}

/**
 * Initialise the 'wasm' backend through `init` (which must call tf.setBackend('wasm')) with
 * `threads` XNNPACK threads. threads ≤ 1, or a package shape this patch does not know,
 * initialises today's single-threaded build; a second call in a thread only re-activates it.
 */
export async function initWasmWithThreads<T>(threads: number, init: () => Promise<T>): Promise<{ value: T; result: WasmThreadsResult }> {
  if (installed !== undefined) return { value: await init(), result: installed };
  const out = threads <= 1 ? { value: await init(), result: { threads: 1 } } : await initThreaded(threads, init);
  if (tf.getBackend() === 'wasm') installed = out.result;
  return out;
}
