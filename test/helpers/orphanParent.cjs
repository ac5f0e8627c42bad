/**
 * A parent the orphan test SIGKILLs (test/integration/parentKilled.test.ts):
 * the built app's services on a data folder, training one run in a child
 * process (LATENT_HOST=process). It prints {"runId": N} once the run has
 * written its first checkpoint, then keeps training until it is killed.
 * argv: <data folder> <run config as JSON>
 */
const path = require('node:path');
const { createServices } = require(path.join(__dirname, '..', '..', 'dist', 'main', 'services', 'appServices.js'));

const [dataDir, configJson] = process.argv.slice(2);
const services = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm', LATENT_HOST: 'process' }, watchOtherProcesses: false });
const experiment = services.experiments.create('orphaned parent', '');
const run = services.runs.start(experiment.id, JSON.parse(configJson));
let told = false;
services.events.on('runs.onDidLogMetrics', (m) => {
  if (told || m.runId !== run.id || !services.store.latestCheckpoint(run.id)) return;
  told = true;
  process.stdout.write(`${JSON.stringify({ runId: run.id })}\n`);
});
