/**
 * A run's last checkpoint as TensorFlow.js layers models. A checkpoint
 * (workers/engine/checkpoint.ts) is our own format: manifest.json lists every
 * tensor (the parts' weights in order, then the optimizer's) with its offset in
 * weights.bin, little-endian float32/int32. The model.json comes from the
 * graph document the run trained (workers/common/interchange/
 * tfjsLayersExport.ts, the same exporter as the editor's), and its weights
 * are the checkpoint's, matched by name and shape and written in the order
 * model.json's weightsManifest lists them. Read here without tfjs: only bytes
 * are copied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { architectureParts, type Architecture } from '../../workers/common/graph';
import { exportTfjsLayersModel, type TfjsWeightSpec } from '../../workers/common/interchange/tfjsLayersExport';
import { CliError } from './commands';

const tensorEntry = z.object({ name: z.string(), shape: z.array(z.number()), dtype: z.enum(['float32', 'int32']), offset: z.number(), byteLength: z.number() });
type TensorEntry = z.infer<typeof tensorEntry>;
const manifestSchema = z.object({
  format: z.literal('latent-checkpoint'),
  version: z.literal(1),
  epoch: z.number(),
  step: z.number(),
  weightsFile: z.string(),
  model: z.array(tensorEntry),
});

export interface ExportedPart { part: string; dir: string; weights: number; warnings: string[] }

function readManifest(dir: string): z.infer<typeof manifestSchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new CliError(`Cannot read the checkpoint in ${dir}: ${(e as Error).message}`, 1);
  }
  const m = manifestSchema.safeParse(parsed);
  if (!m.success) throw new CliError(`${dir}/manifest.json is not a checkpoint this version reads: ${m.error.issues[0]?.message ?? 'unknown format'}`, 1);
  return m.data;
}

/** The checkpoint's bytes for the model's weight specs, in the specs' order; refused naming the first weight that does not match. */
function weightBytes(part: string, specs: readonly TfjsWeightSpec[], entries: readonly TensorEntry[], bin: Buffer): Buffer {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const chunks = specs.map((spec) => {
    const e = byName.get(spec.name);
    if (!e || e.dtype !== 'float32' || e.shape.join('x') !== spec.shape.join('x')) {
      const saw = e ? `${e.dtype} [${e.shape.join(', ')}]` : `none of that name (it has ${entries.slice(0, 4).map((x) => x.name).join(', ')}${entries.length > 4 ? ', …' : ''})`;
      throw new CliError(`Part "${part}": the exported model needs weight "${spec.name}" float32 [${spec.shape.join(', ')}]; the checkpoint has ${saw}`, 1);
    }
    if (e.offset + e.byteLength > bin.byteLength) throw new CliError(`The checkpoint's weights file is truncated at "${e.name}"`, 1);
    return bin.subarray(e.offset, e.offset + e.byteLength);
  });
  return Buffer.concat(chunks);
}

/** The README written beside the models: what they are and how to load them. */
function readme(runId: number, epoch: number, parts: readonly ExportedPart[], outDir: string): string {
  const files = parts.map((p) => `- \`${path.relative(outDir, path.join(p.dir, 'model.json')) || 'model.json'}\` (${p.part}, ${p.weights} weight tensors)`);
  const warnings = parts.flatMap((p) => p.warnings.map((w) => `- ${p.part}: ${w}`));
  const first = path.relative(outDir, path.join(parts[0]?.dir ?? outDir, 'model.json'));
  return [
    `# Run ${runId}: its checkpoint after epoch ${epoch} as TensorFlow.js layers models`,
    '',
    ...files,
    '',
    'Each folder holds a `model.json` (format `layers-model`) and its `weights.bin`. Load one with',
    '',
    '```js',
    "const tf = require('@tensorflow/tfjs-node');",
    `const model = await tf.loadLayersModel('file://${first.split(path.sep).join('/')}');`,
    '```',
    '',
    "or in a browser with `tf.loadLayersModel('https://…/model.json')`. The optimizer's state is not included.",
    ...(warnings.length > 0 ? ['', 'Notes from the exporter:', '', ...warnings] : []),
    '',
  ].join('\n');
}

/**
 * Writes the checkpoint in `checkpointDir` as one TF.js layers model per part
 * of `architecture` (the model itself in `outDir`, or `outDir/<part>/` for a
 * model of several parts), with a README.md. The checkpoint's weights are
 * taken part by part, in the order the checkpoint saved them.
 */
export function exportCheckpoint(runId: number, architecture: Architecture, checkpointDir: string, outDir: string): ExportedPart[] {
  const manifest = readManifest(checkpointDir);
  const bin = fs.readFileSync(path.join(checkpointDir, manifest.weightsFile));
  const parts = Object.entries(architectureParts(architecture));
  const exported: ExportedPart[] = [];
  let next = 0;
  for (const [part, doc] of parts) {
    const x = exportTfjsLayersModel(doc, { weights: 'initial', weightsPath: 'weights.bin' });
    if (x.errors.length > 0 || x.weightSpecs === undefined) throw new CliError(`Part "${part}" cannot be exported as a TF.js model: ${x.errors.join('; ') || 'its weight shapes are unknown'}`, 1);
    const entries = manifest.model.slice(next, next + x.weightSpecs.length);
    next += x.weightSpecs.length;
    const dir = parts.length === 1 ? outDir : path.join(outDir, part);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'weights.bin'), weightBytes(part, x.weightSpecs, entries, bin));
    fs.writeFileSync(path.join(dir, 'model.json'), `${JSON.stringify(x.modelJson)}\n`);
    exported.push({ part, dir, weights: x.weightSpecs.length, warnings: x.warnings });
  }
  fs.writeFileSync(path.join(outDir, 'README.md'), readme(runId, manifest.epoch, exported, outDir));
  return exported;
}
