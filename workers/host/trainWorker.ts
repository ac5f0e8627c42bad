/**
 * THE training entry point (dist/workers/host/trainWorker.js). Start it as a
 * worker_threads Worker, or with child_process.fork when the backend is native
 * (tfjs-node cannot load in a second thread); then send a StartMessage.
 */
import { runHost } from './runHost';
import { detectTransport } from './transport';

runHost(detectTransport());
