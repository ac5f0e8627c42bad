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
 *
 * A host in its own process exits as soon as its parent's channel closes
 * (child: 'disconnect'; utility: the parentPort's 'close'): a SIGKILLed CLI
 * or serve must not leave a child training to the end on the GPU, writing
 * checkpoints no database hears of. A thread ends with its process anyway.
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
  /**
   * The app's main process went away. Electron documents only 'message' on
   * ParentPort (a MessagePortMain underneath, which emits 'close'); Chromium
   * also ends a utility process whose browser process died. Listening costs
   * nothing where the event never comes.
   */
  on(event: 'close', listener: () => void): unknown;
}

/** The exit code of a host whose parent went away (nobody reads it: the parent is gone; it tells a shell user why). */
export const PARENT_GONE_EXIT_CODE = 3;

/** What a host does when its parent's channel closes before the host closed it itself: stop now, mid-step or not. */
export type ParentGone = () => void;

const exitParentGone: ParentGone = () => process.exit(PARENT_GONE_EXIT_CODE);

function isElectronParentPort(value: unknown): value is ElectronParentPort {
  return typeof value === 'object' && value !== null
    && typeof Reflect.get(value, 'postMessage') === 'function' && typeof Reflect.get(value, 'on') === 'function';
}

/** Native backends may keep handles open; once the run is over the process leaves on its own. */
function exitSoon(): void {
  setTimeout(() => process.exit(0), 200).unref();
}

export function utilityTransport(port: ElectronParentPort, parentGone: ParentGone = exitParentGone): HostTransport {
  let closing = false;
  port.on('close', () => { if (!closing) parentGone(); });
  return {
    mode: 'utility',
    send: (m) => { port.postMessage(m); return Promise.resolve(); },
    onMessage: (h) => { port.on('message', (e) => h(e.data)); },
    close: () => { closing = true; exitSoon(); },
  };
}

function childTransport(parentGone: ParentGone = exitParentGone): HostTransport {
  let closing = false;
  return {
    mode: 'child',
    send: (m) => new Promise<void>((resolve) => {
      if (!process.connected || !process.send) { resolve(); return; }
      process.send(m, undefined, {}, () => resolve());
    }),
    onMessage: (h) => {
      process.on('message', (m: MainToWorker) => h(m));
      // Watched once the host listens (detecting the transport alone changes nothing); our own disconnect() in close() fires it too: that one is the normal end.
      process.once('disconnect', () => { if (!closing) parentGone(); });
    },
    close: () => {
      closing = true;
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
