/**
 * Checkpoints: model weights and optimizer state as one binary file
 * (weights.bin, little-endian, 4-byte aligned) plus a JSON manifest
 * (manifest.json, written last, so its presence marks a complete checkpoint).
 *
 * The weights come from the parts of a run, in order: a tf.LayersModel's
 * weights (named by their original names), or a family's own named
 * variables (an RBM's weights and biases, updated by its own rule). The
 * manifest lists every tensor in that order, so a checkpoint is restored
 * into parts of the same architecture whatever kind they are.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirPrivate, writePrivateFile } from './privateFiles';
import * as tf from '@tensorflow/tfjs';

export const CHECKPOINT_FORMAT = 'latent-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointState {
  /** Epochs completed. */
  epoch: number;
  /** Global step (batches seen). */
  step: number;
  /** Named PRNG states: each random layer's under `${part}/${layer}` (see randomLayers.ts), and any of the family's own. */
  rng: Record<string, number>;
  /** Anything else the family wants back. */
  extra?: Record<string, unknown>;
}

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in weights.bin. */
  offset: number;
  byteLength: number;
}

export interface CheckpointManifest extends CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  createdAt: string;
  weightsFile: string;
  model: TensorEntry[];
  optimizer: TensorEntry[];
}

const WEIGHTS_FILE = 'weights.bin';
const MANIFEST_FILE = 'manifest.json';

interface Named { name: string; tensor: tf.Tensor }

async function pack(named: readonly Named[], chunks: Uint8Array[], start: number): Promise<{ entries: TensorEntry[]; end: number }> {
  const entries: TensorEntry[] = [];
  let offset = start;
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') throw new Error(`checkpoint: tensor '${name}' has unsupported dtype ${tensor.dtype}`);
    const values = await tensor.data();
    // Copy: on the cpu backend data() returns the tensor's own buffer.
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    chunks.push(bytes);
    entries.push({ name, shape: [...tensor.shape], dtype: tensor.dtype, offset, byteLength: bytes.byteLength });
    offset += bytes.byteLength;
  }
  return { entries, end: offset };
}

/** A variable of a family's own, under the name it is saved as. */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/** A family's own variables (not a LayersModel's), saved and restored in this order. */
export interface VariableSet {
  readonly variables: readonly NamedVariable[];
}

/** Where a part's weights live: a Layers model, or a family's own variables. */
export type WeightSource = tf.LayersModel | VariableSet;

/** One part, or several (an encoder and a decoder…) saved and restored together, in this order. */
export type CheckpointModels = WeightSource | readonly WeightSource[];

/** One weight of a part: its saved name, its current value (not a copy) and how to replace it. */
interface WeightSlot {
  name: string;
  shape: readonly (number | null)[];
  read(): tf.Tensor;
}

function sourceList(models: CheckpointModels): readonly WeightSource[] {
  return Array.isArray(models) ? models : [models as WeightSource];
}

function slotsOf(source: WeightSource): WeightSlot[] {
  if (source instanceof tf.LayersModel) {
    return source.weights.map((w) => ({ name: w.originalName, shape: w.shape, read: () => w.read() }));
  }
  return source.variables.map((v) => ({ name: v.name, shape: v.variable.shape, read: () => v.variable }));
}

/** Replace a part's weights with `values` (in its slot order; the caller disposes them). */
function writeSource(source: WeightSource, values: readonly tf.Tensor[]): void {
  if (source instanceof tf.LayersModel) source.setWeights([...values]);
  else source.variables.forEach((v, i) => v.variable.assign(values[i]!));
}

function optimizerList(optimizer: tf.Optimizer | readonly tf.Optimizer[] | undefined): readonly tf.Optimizer[] {
  return optimizer === undefined ? [] : Array.isArray(optimizer) ? optimizer : [optimizer as tf.Optimizer];
}

/**
 * Optimiser state tfjs' getWeights leaves out: Adam's running products β₁ᵗ
 * and β₂ᵗ, which its setWeights recomputes as powers — not bit for bit the
 * products an uninterrupted run has, so a resumed Adam run would drift in
 * the last bits. Saved as `opt<k>#<name>` entries, which loaders that
 * predate them skip (they take `opt<k>/…` entries only).
 */
export function hiddenOptimizerState(o: tf.Optimizer): NamedVariable[] {
  // tfjs' `instanceof` holds for any optimizer (its Symbol.hasInstance checks methods only): the class name decides, instanceof only types.
  if (o.getClassName() !== 'Adam' || !(o instanceof tf.AdamOptimizer)) return [];
  // Element access reaches the private fields (there is no public accessor).
  const [b1, b2]: (tf.Variable | undefined)[] = [o['accBeta1'], o['accBeta2']];
  return b1 && b2 ? [{ name: 'accBeta1', variable: b1 }, { name: 'accBeta2', variable: b2 }] : [];
}

const hiddenPrefix = (k: number): string => `opt${k}#`;

/** Save the parts' weights, optimizer weights (when given) and loop state into `dir` (created if needed). */
export async function saveCheckpoint(dir: string, models: CheckpointModels, optimizer: tf.Optimizer | readonly tf.Optimizer[] | undefined, state: CheckpointState): Promise<CheckpointManifest> {
  await mkdirPrivate(dir);
  const modelNamed = sourceList(models).flatMap(slotsOf).map((w) => ({ name: w.name, tensor: w.read() }));
  const optimizers = optimizerList(optimizer);
  const optimizerNamed = (await Promise.all(optimizers.map(async (o, k) => [
    ...(await o.getWeights()).map((w: { name: string; tensor: tf.Tensor }) => ({ name: `opt${k}/${w.name}`, tensor: w.tensor })),
    ...hiddenOptimizerState(o).map((h) => ({ name: `${hiddenPrefix(k)}${h.name}`, tensor: h.variable })),
  ]))).flat();
  const chunks: Uint8Array[] = [];
  const m = await pack(modelNamed, chunks, 0);
  const o = await pack(optimizerNamed, chunks, m.end);
  // getWeights returns the slot variables themselves, and a fresh scalar for the iteration count each call: free that one.
  tf.dispose(optimizerNamed.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    epoch: state.epoch,
    step: state.step,
    rng: { ...state.rng },
    weightsFile: WEIGHTS_FILE,
    model: m.entries,
    optimizer: o.entries,
  };
  if (state.extra !== undefined) manifest.extra = state.extra;
  const tmpWeights = join(dir, `${WEIGHTS_FILE}.tmp`);
  await writePrivateFile(tmpWeights, Buffer.concat(chunks));
  await rename(tmpWeights, join(dir, WEIGHTS_FILE));
  const tmpManifest = join(dir, `${MANIFEST_FILE}.tmp`);
  await writePrivateFile(tmpManifest, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmpManifest, join(dir, MANIFEST_FILE));
  return manifest;
}

export async function readManifest(dir: string): Promise<CheckpointManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    throw new Error(`No checkpoint in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const manifest = JSON.parse(text) as CheckpointManifest;
  if (manifest.format !== CHECKPOINT_FORMAT || manifest.version !== CHECKPOINT_VERSION) {
    throw new Error(`${dir}: not a ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION} checkpoint`);
  }
  return manifest;
}

function unpack(entry: TensorEntry, bytes: Uint8Array, dir: string): tf.Tensor {
  if (entry.offset + entry.byteLength > bytes.byteLength) {
    throw new Error(`${dir}: ${WEIGHTS_FILE} is truncated: '${entry.name}' needs bytes ${entry.offset}..${entry.offset + entry.byteLength}, file has ${bytes.byteLength}`);
  }
  const copy = bytes.slice(entry.offset, entry.offset + entry.byteLength).buffer;
  const values = entry.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  return tf.tensor(values, entry.shape, entry.dtype);
}

/**
 * Restore a checkpoint into parts with the same architecture and fresh
 * optimizers of the same kinds. Returns the saved loop state.
 */
export async function loadCheckpoint(dir: string, models: CheckpointModels, optimizer?: tf.Optimizer | readonly tf.Optimizer[]): Promise<CheckpointState> {
  const manifest = await readManifest(dir);
  const bytes = new Uint8Array(await readFile(join(dir, manifest.weightsFile)));
  const list = sourceList(models);
  const weights = list.flatMap(slotsOf);
  if (weights.length !== manifest.model.length) {
    throw new Error(`${dir}: checkpoint has ${manifest.model.length} weight tensors, the model has ${weights.length}: was it saved from a different architecture?`);
  }
  weights.forEach((w, i) => {
    const e = manifest.model[i]!;
    if (e.shape.join('x') !== w.shape.join('x')) {
      throw new Error(`${dir}: weight '${e.name}' has shape [${e.shape.join(', ')}] but the model's '${w.name}' has [${w.shape.join(', ')}]`);
    }
  });
  const modelTensors = manifest.model.map((e) => unpack(e, bytes, dir));
  const optimizerTensors = manifest.optimizer.map((e) => ({ name: e.name, tensor: unpack(e, bytes, dir) }));
  const optimizers = optimizerList(optimizer);
  try {
    let offset = 0;
    for (const source of list) {
      const n = slotsOf(source).length;
      writeSource(source, modelTensors.slice(offset, offset + n));
      offset += n;
    }
    for (let k = 0; k < optimizers.length; k++) {
      const prefix = `opt${k}/`;
      const mine = optimizerTensors.filter((o) => o.name.startsWith(prefix)).map((o) => ({ name: o.name.slice(prefix.length), tensor: o.tensor }));
      if (mine.length > 0) await optimizers[k]!.setWeights(mine);
      for (const h of hiddenOptimizerState(optimizers[k]!)) {
        const saved = optimizerTensors.find((o) => o.name === `${hiddenPrefix(k)}${h.name}`);
        if (saved) h.variable.assign(saved.tensor);
      }
    }
  } finally {
    tf.dispose(modelTensors);
    tf.dispose(optimizerTensors.map((o) => o.tensor));
  }
  const state: CheckpointState = { epoch: manifest.epoch, step: manifest.step, rng: { ...manifest.rng } };
  if (manifest.extra !== undefined) state.extra = manifest.extra;
  return state;
}

/** Where the checkpoint written at the end of `epoch` goes. */
export function checkpointDir(runDir: string, epoch: number): string {
  return join(runDir, 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}`);
}
