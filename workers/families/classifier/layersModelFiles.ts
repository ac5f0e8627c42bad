/**
 * A TF.js layers model on disk (model.json + its weight files, as
 * `model.save('file://…')` or tensorflowjs_converter write them), read and
 * written with node's fs and tf.io.fromMemory / withSaveHandler, so no
 * tfjs-node file handler is needed on the wasm backend.
 *
 * Reading checks model.json's shape and refuses weight paths that leave
 * the model's folder (a model.json is user input).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

const weightSpec = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
  quantization: z.object({ dtype: z.enum(['uint16', 'uint8', 'float16']), scale: z.number().optional(), min: z.number().optional() }).optional(),
});
const modelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)), weights: z.array(weightSpec) })).min(1),
}).passthrough();

function describeZod(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
}

/** A weight file named by model.json, resolved inside the model's folder (or refused). */
function weightPath(folder: string, p: string): string {
  const full = resolve(folder, p);
  const rel = relative(folder, full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`model.json names the weight file '${p}', outside the model's folder ${folder}`);
  return full;
}

/** model.json (a file, or a folder holding one) and its weights as tfjs model artifacts. */
export async function readLayersModelArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const file = path.endsWith('.json') ? path : join(path, MODEL_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read a TF.js model from ${file}: ${(e as Error).message}`, { cause: e });
  }
  const parsed = modelJsonSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not a TF.js layers model.json (${describeZod(parsed.error)})`);
  const folder = dirname(file);
  const buffers: Uint8Array[] = [];
  for (const group of parsed.data.weightsManifest) {
    for (const p of group.paths) {
      try {
        buffers.push(await readFile(weightPath(folder, p)));
      } catch (e) {
        throw new Error(`${file}: cannot read its weight file '${p}': ${(e as Error).message}`, { cause: e });
      }
    }
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = parsed.data.weightsManifest.flatMap((g) => g.weights);
  const weightData = tf.io.concatenateArrayBuffers(buffers.map((b) => new Uint8Array(b).buffer));
  return { modelTopology: parsed.data.modelTopology, weightSpecs, weightData };
}

/** Load the layers model in `path` (model.json or its folder); strict: every weight must be present. */
export async function readLayersModelFiles(path: string): Promise<tf.LayersModel> {
  const artifacts = await readLayersModelArtifacts(path);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
}

/** Write `model` into `dir` as model.json + one weights.bin (the folder must exist). */
export async function writeLayersModelFiles(model: tf.LayersModel, dir: string): Promise<void> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!saved?.weightSpecs || saved.weightData === undefined) throw new Error(`model '${model.name}' saved no weights`);
  const data = tf.io.concatenateArrayBuffers(saved.weightData);
  await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(data));
  const json = { format: 'layers-model', generatedBy: 'latent-workbench', modelTopology: saved.modelTopology, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs }] };
  await writeFile(join(dir, MODEL_FILE), `${JSON.stringify(json)}\n`);
}
