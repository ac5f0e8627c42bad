/**
 * How a training host talks to the service, whichever way it was started:
 * - an Electron utility process (utilityProcess.fork, the desktop app's native
 *   runs: Electron's runAsNode fuse is off, so a fork of the Electron binary
 *   would start the app again): `process.parentPort`, whose 'message' events
 *   carry the message in `.data`;
 * - a child process started with child_process.fork (serve mode, the CLI, the
 *   Node 24 tests): process.send / process.on('message');
 * - a worker_threads Worker (wasm and cpu runs): worker_threads' parentPort.
 * All three carry structured-clone data (fork uses serialization 'advanced'),
 * so the protocol's messages are the same objects on every path.
 */
import { parentPort } from 'node:worker_threads';
import type { MainToWorker, WorkerToMain } from '../common/protocol';

export interface HostTransport {
  mode: 'worker' | 'child' | 'utility' | 'none';
  send(message: WorkerToMain): Promise<void>;
  onMessage(handler: (message: MainToWorker) => void): void;
  /** Let the process or thread end once the last message is out. */
  close(): void;
}

/** The part of Electron's ParentPort the host uses (workers may not import electron's types); the service posts MainToWorker messages. */
export interface ElectronParentPort {
  postMessage(message: WorkerToMain): void;
  on(event: 'message', listener: (event: { data: MainToWorker }) => void): unknown;
}

function isElectronParentPort(value: unknown): value is ElectronParentPort {
  return typeof value === 'object' && value !== null
    && typeof Reflect.get(value, 'postMessage') === 'function' && typeof Reflect.get(value, 'on') === 'function';
}

/** Native backends may keep handles open; once the run is over the process leaves on its own. */
function exitSoon(): void {
  setTimeout(() => process.exit(0), 200).unref();
}

export function utilityTransport(port: ElectronParentPort): HostTransport {
  return {
    mode: 'utility',
    send: (m) => { port.postMessage(m); return Promise.resolve(); },
    onMessage: (h) => { port.on('message', (e) => h(e.data)); },
    close: exitSoon,
  };
}

function childTransport(): HostTransport {
  return {
    mode: 'child',
    send: (m) => new Promise<void>((resolve) => {
      if (!process.connected || !process.send) { resolve(); return; }
      process.send(m, undefined, {}, () => resolve());
    }),
    onMessage: (h) => { process.on('message', (m: MainToWorker) => h(m)); },
    close: () => {
      if (process.connected) process.disconnect();
      exitSoon();
    },
  };
}

export function detectTransport(): HostTransport {
  const electronPort: unknown = Reflect.get(process, 'parentPort');
  if (isElectronParentPort(electronPort)) return utilityTransport(electronPort);
  if (typeof process.send === 'function') return childTransport();
  const port = parentPort;
  if (port) {
    return {
      mode: 'worker',
      send: (m) => { port.postMessage(m); return Promise.resolve(); },
      onMessage: (h) => { port.on('message', (m: MainToWorker) => h(m)); },
      close: () => { port.close(); },
    };
  }
  throw new Error('trainWorker must be started as a worker thread, with child_process.fork or with Electron\'s utilityProcess.fork');
}
