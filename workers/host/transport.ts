/**
 * How a training host talks to the service: as a worker_threads Worker
 * (parentPort) or as a child process started with child_process.fork
 * (process.send). Both carry structured-clone data.
 */
import { parentPort } from 'node:worker_threads';
import type { MainToWorker, WorkerToMain } from '../common/protocol';

export interface HostTransport {
  mode: 'worker' | 'child' | 'none';
  send(message: WorkerToMain): Promise<void>;
  onMessage(handler: (message: MainToWorker) => void): void;
  /** Let the process or thread end once the last message is out. */
  close(): void;
}

export function detectTransport(): HostTransport {
  const port = parentPort;
  if (port) {
    return {
      mode: 'worker',
      send: (m) => { port.postMessage(m); return Promise.resolve(); },
      onMessage: (h) => { port.on('message', (m: MainToWorker) => h(m)); },
      close: () => { port.close(); },
    };
  }
  if (typeof process.send === 'function') {
    return {
      mode: 'child',
      send: (m) => new Promise<void>((resolve) => {
        if (!process.connected || !process.send) { resolve(); return; }
        process.send(m, undefined, {}, () => resolve());
      }),
      onMessage: (h) => { process.on('message', (m: MainToWorker) => h(m)); },
      close: () => {
        if (process.connected) process.disconnect();
        // Native backends may keep handles open; the run is over, so leave.
        setTimeout(() => process.exit(0), 200).unref();
      },
    };
  }
  throw new Error('trainWorker must be started as a worker thread or with child_process.fork');
}
