/**
 * A reusable barrier over the exchange's control words (Atomics): the last of
 * `parties` to arrive resets the count and bumps the generation, waking the
 * others. Replica threads wait synchronously (they have nothing else to do);
 * the leader waits asynchronously, so its event loop still sees a replica's
 * 'error' or 'exit' and the round fails instead of hanging. Once the abort
 * word is set every waiter gives up and every later arrival throws.
 */
import { CONTROL } from './layout';

declare global {
  /** Node ≥ 16 has Atomics.waitAsync; TypeScript declares it only from lib es2024 (this project builds with es2022). */
  interface Atomics {
    waitAsync(typedArray: Int32Array, index: number, value: number, timeout?: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
}

/** How long one wait sleeps before looking at the abort word again. */
const POLL_MS = 200;

export class ReplicaAbortedError extends Error {
  constructor(message = 'The data-parallel run was aborted') {
    super(message);
    this.name = 'ReplicaAbortedError';
  }
}

/** Arrive (none may after an abort); true when this party is the last (the generation has moved on). */
function arrive(control: Int32Array, parties: number): { last: boolean; generation: number } {
  if (Atomics.load(control, CONTROL.abort) !== 0) throw new ReplicaAbortedError();
  const generation = Atomics.load(control, CONTROL.generation);
  if (Atomics.add(control, CONTROL.count, 1) === parties - 1) {
    Atomics.store(control, CONTROL.count, 0);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    return { last: true, generation };
  }
  return { last: false, generation };
}

export function barrierSync(control: Int32Array, parties: number): void {
  const { last, generation } = arrive(control, parties);
  if (last) return;
  while (Atomics.load(control, CONTROL.generation) === generation) {
    if (Atomics.load(control, CONTROL.abort) !== 0) throw new ReplicaAbortedError();
    Atomics.wait(control, CONTROL.generation, generation, POLL_MS);
  }
}

/** The leader's wait; `failure` is checked between polls (a replica's error seen by the event loop). */
export async function barrierAsync(control: Int32Array, parties: number, failure: () => Error | undefined): Promise<void> {
  const { last, generation } = arrive(control, parties);
  if (last) return;
  while (Atomics.load(control, CONTROL.generation) === generation) {
    const failed = failure();
    if (failed) throw failed;
    if (Atomics.load(control, CONTROL.abort) !== 0) throw new ReplicaAbortedError();
    const wait = Atomics.waitAsync(control, CONTROL.generation, generation, POLL_MS);
    if (wait.async) await wait.value;
  }
}

/** Tell every waiter to give up (a failed or disposed run). */
export function abortBarrier(control: Int32Array): void {
  Atomics.store(control, CONTROL.abort, 1);
  Atomics.notify(control, CONTROL.generation);
}
