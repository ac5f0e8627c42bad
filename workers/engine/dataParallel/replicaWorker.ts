/**
 * The entry of one extra replica thread (dist/workers/engine/dataParallel/replicaWorker.js).
 * It selects the leader's backend, builds its replica, answers 'ready' (or
 * 'failed'), then serves rounds until the leader terminates it: wait at the start barrier, do
 * the round's command, and for a step meet the others at the gradient and
 * average barriers. It blocks on Atomics between rounds: `terminate()`
 * interrupts that, and the abort word ends every wait with an error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { abortBarrier, barrierSync } from './barrier';
import { averageRows, COMMAND, CONTROL, exchangeViews, partRange, type ExchangeSizes, type ExchangeViews } from './layout';
import { writeOptimizerState, type OptimizerState } from './optimizerState';
import { Replica, type ReplicaSpec } from './replica';
import { prepareReplicaBackend } from './replicaBackend';

export interface ReplicaWorkerData {
  spec: ReplicaSpec;
  buffer: SharedArrayBuffer;
  sizes: ExchangeSizes;
  index: number;
  /** The leader's optimiser state at the start (a resumed run's Adam moments and step count). */
  optimizerState: OptimizerState;
}

export type ReplicaWorkerMessage = { type: 'ready'; params: number } | { type: 'failed'; error: string };

/**
 * One round. A step meets the others three times (start,
 * gradients written, average written) and needs no end barrier: the next
 * round's inputs are written after everyone read them, and the average is
 * rewritten only after the next gradient barrier. The weight commands end at
 * a fourth barrier, which tells the leader they are done.
 */
export function serveRound(replica: Replica, v: ExchangeViews, index: number): void {
  const parties = v.sizes.replicas;
  barrierSync(v.control, parties);
  const command = Atomics.load(v.control, CONTROL.command);
  if (command === COMMAND.step) {
    const batch = Atomics.load(v.control, CONTROL.batch);
    replica.computeGradients(v, index, batch);
    barrierSync(v.control, parties);
    const [from, to] = partRange(v.sizes.params, parties, index);
    averageRows(v, batch, from, to);
    barrierSync(v.control, parties);
    replica.applyAverage(v);
    return;
  }
  if (command === COMMAND.loadWeights) replica.loadWeights(v.average);
  if (command === COMMAND.reportWeights) replica.readWeights(v.gradients.subarray(index * v.sizes.params, (index + 1) * v.sizes.params));
  barrierSync(v.control, parties);
}

async function main(): Promise<void> {
  const data = workerData as ReplicaWorkerData;
  const port = parentPort!;
  const v = exchangeViews(data.buffer, data.sizes);
  let replica: Replica;
  try {
    const backend = await prepareReplicaBackend(data.spec.backend);
    if (backend !== data.spec.backend) throw new Error(`Replica ${data.index} runs on ${backend}, the leader on ${data.spec.backend}`);
    replica = Replica.build(data.spec);
    if (replica.params !== data.sizes.params) throw new Error(`Replica ${data.index} has ${replica.params} parameters, the leader ${data.sizes.params}`);
    await writeOptimizerState(replica.optimizer, data.optimizerState);
  } catch (e) {
    port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies ReplicaWorkerMessage);
    return;
  }
  port.postMessage({ type: 'ready', params: replica.params } satisfies ReplicaWorkerMessage);
  try {
    for (;;) serveRound(replica, v, data.index);
  } catch (e) {
    abortBarrier(v.control);
    throw e;
  } finally {
    replica.dispose();
  }
}

if (parentPort) void main();
