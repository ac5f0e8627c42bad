/**
 * One training host per run: a worker thread for the JS backends (wasm, cpu),
 * a fresh child process for the native ones (tfjs-node breaks when loaded in a
 * second worker thread, and a native crash must not take the app down).
 * Both speak the same protocol (workers/common/protocol.ts).
 *
 * How the child process starts is injectable (`createHostLauncher`): serve
 * mode, the CLI and the tests fork a Node (`nodeProcessHost`, optionally
 * another Node binary: the Node 24 tests); the desktop app passes Electron's
 * utilityProcess (main/electron/utilityHost.ts), because with Electron's
 * runAsNode fuse off a fork of the Electron binary would start the app again.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MainToWorker, WorkerToMain } from '../../workers/common/protocol';
import { appRoot } from './appInfo';

export type HostKind = 'thread' | 'process';

export interface HostExit {
  code: number | null;
  signal?: string | null;
  error?: Error;
}

export interface TrainingHost {
  readonly kind: HostKind;
  /** A child process's pid, recorded in its run's lease (runs.host_pid) so a later start can stop it if its parent crashed; absent for threads. */
  readonly pid?: number | undefined;
  send(message: MainToWorker): void;
  onMessage(listener: (message: WorkerToMain) => void): void;
  /** Called once, when the host has gone (normally or not). */
  onExit(listener: (exit: HostExit) => void): void;
  /** Stop it now, whatever it is doing. */
  kill(): void;
}

export function trainWorkerEntry(): string {
  const entry = path.join(appRoot, 'dist', 'workers', 'host', 'trainWorker.js');
  if (!fs.existsSync(entry)) throw new Error(`Training worker not built: ${entry} is missing (run npm run build)`);
  return entry;
}

/**
 * Calls a listener so that what it throws (a full disk's SQLITE_FULL in a
 * database write, say) is reported and goes no further: thrown from a
 * worker's or child's event it would be an uncaught exception, and the
 * server would die with every other run. RunSession turns its own errors into
 * the run's failure before they reach here; this is the last guard.
 */
export function safeListener<T>(listener: (value: T) => void, what: string): (value: T) => void {
  return (value) => {
    try {
      listener(value);
    } catch (e) {
      console.error(`A training host's ${what} listener failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  };
}

/** Reports a host's end once, however many of its exit/error events fire. */
export function exitOnce(): { exited: () => boolean; finish: (e: HostExit) => void; onExit: (l: (e: HostExit) => void) => void } {
  let exited = false;
  const listeners: ((e: HostExit) => void)[] = [];
  return {
    exited: () => exited,
    finish: (e) => {
      if (exited) return;
      exited = true;
      for (const l of listeners) l(e);
    },
    onExit: (l) => { listeners.push(safeListener(l, 'exit')); },
  };
}

/**
 * Variables a run's host sees on top of this process's environment (the wasm
 * threads setting as LATENT_WASM_THREADS): given to the worker or child only,
 * so this process's own process.env, which every other run shares, is not changed.
 */
export type HostEnv = Readonly<Record<string, string>>;

function threadHost(entry: string, env: HostEnv = {}): TrainingHost {
  // A worker's `env` is its own copy of process.env.
  const worker = new Worker(entry, { stdout: false, stderr: false, env: { ...process.env, ...env } });
  const exit = exitOnce();
  worker.on('error', (error) => exit.finish({ code: null, error }));
  worker.on('exit', (code) => exit.finish({ code }));
  return {
    kind: 'thread',
    send: (m) => { if (!exit.exited()) worker.postMessage(m); },
    onMessage: (l) => { worker.on('message', safeListener((m: WorkerToMain) => l(m), 'message')); },
    onExit: exit.onExit,
    kill: () => { void worker.terminate(); },
  };
}

export interface NodeProcessOptions {
  /** The Node binary to run the host on (default: this process's own). */
  execPath?: string;
  /** Variables the child sees on top of this process's environment. */
  env?: HostEnv;
}

/** A host in a child process forked from Node ('advanced' serialization: structured clone, as threads and utilityProcess use). */
export function nodeProcessHost(entry: string, options: NodeProcessOptions = {}): TrainingHost {
  const child: ChildProcess = fork(entry, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, ...options.env },
    ...(options.execPath ? { execPath: options.execPath } : {}),
  });
  const exit = exitOnce();
  child.on('error', (error) => exit.finish({ code: null, error }));
  child.on('exit', (code, signal) => exit.finish({ code, signal }));
  return {
    kind: 'process',
    pid: child.pid,
    send: (m) => { if (!exit.exited() && child.connected) child.send(m); },
    onMessage: (l) => { child.on('message', safeListener((m) => l(m as WorkerToMain), 'message')); },
    onExit: exit.onExit,
    kill: () => { child.kill('SIGKILL'); },
  };
}

/** Starts a host of a kind with extra environment variables: launchHost in the app; tests pass a fake one to RunService, RunSession and AnalysisService. */
export type HostLauncher = (kind: HostKind, env?: HostEnv) => TrainingHost;

/** Starts the 'process' kind of host on the training entry's path. */
export type ProcessHostFactory = (entry: string, env?: HostEnv) => TrainingHost;

export interface HostLauncherOptions {
  /** How a 'process' host starts (default: nodeProcessHost on this Node). */
  processHost?: ProcessHostFactory;
  /** The training entry (default: trainWorkerEntry(), looked up at each launch). */
  entry?: () => string;
}

/** A launcher whose threads are worker_threads and whose processes start as `processHost` says. */
export function createHostLauncher(options: HostLauncherOptions = {}): HostLauncher {
  const processHost = options.processHost ?? ((entry: string, env?: HostEnv) => nodeProcessHost(entry, env ? { env } : {}));
  const entryOf = options.entry ?? trainWorkerEntry;
  return (kind, env) => (kind === 'thread' ? threadHost(entryOf(), env) : processHost(entryOf(), env));
}

export function launchHost(kind: HostKind, env?: HostEnv): TrainingHost {
  return createHostLauncher()(kind, env);
}
