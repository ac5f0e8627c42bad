/**
 * The training host's transport inside an Electron utility process: Electron
 * sets process.parentPort, whose 'message' events carry the message in
 * `.data`. Electron cannot run here, so a port of that shape stands in.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { MainToWorker, WorkerToMain } from '../../../workers/common/protocol';
import { detectTransport, utilityTransport } from '../../../workers/host/transport';

class FakeParentPort extends EventEmitter {
  readonly posted: WorkerToMain[] = [];
  postMessage(message: WorkerToMain): void { this.posted.push(message); }
}

afterEach(() => { Reflect.deleteProperty(process, 'parentPort'); });

describe('detectTransport', () => {
  it('uses Electron\'s process.parentPort when there is one, before process.send', async () => {
    const port = new FakeParentPort();
    Reflect.set(process, 'parentPort', port);
    const t = detectTransport();
    expect(t.mode).toBe('utility');

    const received: MainToWorker[] = [];
    t.onMessage((m) => received.push(m));
    port.emit('message', { data: { type: 'cancel' } satisfies MainToWorker });
    expect(received).toEqual([{ type: 'cancel' }]);

    await t.send({ type: 'log', level: 'info', message: 'hello' });
    expect(port.posted).toEqual([{ type: 'log', level: 'info', message: 'hello' }]);
  });

  it('ignores a parentPort property that is not a port', () => {
    Reflect.set(process, 'parentPort', { postMessage: 'no' });
    // Vitest's fork pool gives this process an IPC channel: the child_process path.
    expect(detectTransport().mode).toBe('child');
  });
});

describe('a utility process whose parent goes', () => {
  // (Not the normal end: the transport's close() exits the process 200 ms later, which would end the test's worker.)
  it('stops when the parentPort closes before the host closed it', () => {
    const port = new FakeParentPort();
    let gone = 0;
    utilityTransport(port, () => { gone++; });
    expect(gone).toBe(0);
    port.emit('close');
    expect(gone).toBe(1);
  });
});
