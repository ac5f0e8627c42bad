/**
 * THE training entry point (dist/workers/host/trainWorker.js). Start it as a
 * worker_threads Worker, with child_process.fork, or with Electron's
 * utilityProcess.fork when the backend is native (tfjs-node cannot load in a
 * second thread); then send a StartMessage.
 *
 * The removed util helpers are restored first: tfjs-node is only required
 * later, when runHost selects a backend, and reads them at call time.
 */
import { restoreRemovedUtilHelpers } from './nodeCompat';
import { runHost } from './runHost';
import { detectTransport } from './transport';

const restoredUtilHelpers = restoreRemovedUtilHelpers();
runHost(detectTransport(), { restoredUtilHelpers });
