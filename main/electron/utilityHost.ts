/**
 * The desktop app's native training hosts: Electron's utilityProcess.fork.
 *
 * Why not child_process.fork: inside Electron it runs process.execPath, the
 * Electron binary, as Node only through ELECTRON_RUN_AS_NODE, and the app
 * ships with the runAsNode fuse off (so nobody can use the signed app as a
 * general Node); the fork would start a second app instead. A utility process
 * runs the same Node as Electron (Node 24 for Electron 41; the host restores
 * the util helpers tfjs-node 4.22 needs, workers/host/nodeCompat.ts) and talks
 * over process.parentPort (workers/host/transport.ts) with structured clone,
 * the same serialization as fork's 'advanced' mode.
 */
import { utilityProcess } from 'electron';
import type { WorkerToMain } from '../../workers/common/protocol';
import type { ProbeRunner } from '../services/backendProbe';
import { exitOnce, safeListener, type HostEnv, type TrainingHost } from '../services/trainingHost';

export function utilityProcessHost(entry: string, env: HostEnv = {}): TrainingHost {
  // The run's own variables (wasm threads) on top of the app's environment, as the thread and fork hosts get them.
  const child = utilityProcess.fork(entry, [], { stdio: 'inherit', serviceName: 'Latent Workbench training host', env: { ...process.env, ...env } });
  const exit = exitOnce();
  child.on('error', (type, location) => exit.finish({ code: null, error: new Error(`${type} in the training host at ${location}`) }));
  child.on('exit', (code) => exit.finish({ code }));
  return {
    kind: 'process',
    // Known once the child has spawned (undefined before): read when the run's lease is written.
    get pid() { return child.pid; },
    send: (m) => { if (!exit.exited()) child.postMessage(m); },
    // Guarded as the thread and fork hosts are: a listener's throw (a full disk's SQLITE_FULL) must not become an uncaught exception in the app.
    onMessage: (l) => { child.on('message', safeListener((m: WorkerToMain) => l(m), 'message')); },
    onExit: exit.onExit,
    kill: () => { child.kill(); },
  };
}

/**
 * The backend probe (main/services/backendProbe.ts) in a utility process: the
 * same Node as the training hosts, so a native package's load error is the
 * one a run would meet. Output is collected from piped stdout and stderr.
 */
export const utilityProbeRunner: ProbeRunner = (entry, args, timeoutMs) => new Promise((resolve) => {
  const child = utilityProcess.fork(entry, [...args], { stdio: 'pipe', serviceName: 'Latent Workbench backend probe' });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const timer = setTimeout(() => { timedOut = true; child.kill(); }, timeoutMs);
  child.on('exit', (code) => {
    clearTimeout(timer);
    resolve({ stdout, stderr, code, timedOut });
  });
});
