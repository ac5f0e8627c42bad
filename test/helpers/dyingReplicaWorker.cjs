/**
 * A stand-in replica thread for the failure path of a data-parallel run:
 * it keeps the protocol of dist/workers/engine/dataParallel/replicaWorker.js
 * (ready, then rounds behind the same barriers, zero gradients for its
 * shard) for DIE_AFTER steps, then exits with code 5 in the middle of a
 * step — as a thread that crashed would, leaving the leader at a barrier.
 */
const path = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');

const DIE_AFTER = 3;
const dist = path.join(__dirname, '..', '..', 'dist', 'workers', 'engine', 'dataParallel');
const { barrierSync } = require(path.join(dist, 'barrier.js'));
const { averageRows, COMMAND, CONTROL, exchangeViews, partRange } = require(path.join(dist, 'layout.js'));

const v = exchangeViews(workerData.buffer, workerData.sizes);
const parties = v.sizes.replicas;
const index = workerData.index;
parentPort.postMessage({ type: 'ready', params: v.sizes.params });
let steps = 0;
for (;;) {
  barrierSync(v.control, parties);
  const command = Atomics.load(v.control, CONTROL.command);
  if (command !== COMMAND.step) { barrierSync(v.control, parties); continue; }
  if (steps === DIE_AFTER) process.exit(5);
  steps++;
  v.gradients.fill(0, index * v.sizes.params, (index + 1) * v.sizes.params);
  v.results[2 * index] = 0;
  v.results[2 * index + 1] = 0;
  barrierSync(v.control, parties);
  const batch = Atomics.load(v.control, CONTROL.batch);
  const [from, to] = partRange(v.sizes.params, parties, index);
  averageRows(v, batch, from, to);
  barrierSync(v.control, parties);
}
