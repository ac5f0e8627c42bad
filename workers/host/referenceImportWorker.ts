/**
 * Worker-thread entry that imports one feature extractor
 * (families/classifier/importedReference.ts) for the reference-classifier
 * service: receives a ReferenceImportRequest, answers one
 * ReferenceImportReply, exits. Always the wasm backend: a thread must not
 * load tfjs-node, and an imported model's hash does not depend on it.
 */
import { parentPort } from 'node:worker_threads';
import { registerDatasetEntry } from '../common/datasets';
import type { ReferenceImportReply, ReferenceImportRequest } from '../common/referenceImportProtocol';
import { loadImageDataset } from '../data/mnist';
import { prepareTrainingBackend } from '../engine/trainingBackend';
import { importReferenceModel } from '../families/classifier/importedReference';

/** Check, measure, hash and keep the model; any refusal becomes the reply's error. */
export async function runReferenceImport(r: ReferenceImportRequest): Promise<ReferenceImportReply> {
  try {
    registerDatasetEntry(r.datasetEntry);
    const data = loadImageDataset(r.datasetEntry);
    const identity = await importReferenceModel({ modelPath: r.modelPath, datasetId: r.datasetEntry.id, data, referenceRoot: r.referenceRoot });
    return { ok: true, identity };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

const port = parentPort;
if (port) {
  port.once('message', (r: ReferenceImportRequest) => {
    void (async () => {
      await prepareTrainingBackend('wasm');
      port.postMessage(await runReferenceImport(r));
      port.close();
    })();
  });
}
