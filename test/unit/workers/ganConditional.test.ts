/**
 * Class-conditional GANs (issue 4): conditional GAN (Mirza & Osindero 2014)
 * and AC-GAN (Odena et al. 2017) as graph templates with several inputs.
 * Templates against their contract and tf's parameter counts, the
 * contract's messages, the schema, one-hot labels on wasm, tensor leaks per
 * step, every loss and the tricks with conditioning, the class-conditional
 * samples grid and resuming, on a tiny real MNIST subset (wasm). That a cGAN
 * learns to condition and an AC-GAN's discriminator learns the classes is the
 * training tier's (test/training/ganConditionalLearns.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Store } from '../../../db/storeTypes';
import { resolveArchitecture } from '../../../main/services/architectureResolver';
import { datasetCatalogue } from '../../../workers/common/datasets';
import type { ImageGridMeta } from '../../../workers/common/gallery';
import type { GraphDocument, ModelDocument } from '../../../workers/common/graph';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { checkGeneratorDiscriminator } from '../../../workers/common/families/gan/contract';
import { formatIssues, ganConfigSchema, type GanConfig } from '../../../workers/common/runConfig';
import type { MetricKey } from '../../../workers/common/families/registry';
import { inferShapes } from '../../../workers/common/shapes';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { RecordingSink } from '../../../workers/engine/sink';
import { analyzeRun } from '../../../workers/families/registry';
import { gridGeometry, readGridCell } from '../../../workers/engine/nearestNeighbours';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { classAccuracy, classCrossEntropy, oneHotLabels, sampleLabels } from '../../../workers/families/gan/conditioning';
import { generate } from '../../../workers/families/gan/galleries';
import { buildGan, disposeGan, makeGanOptimizer } from '../../../workers/families/gan/model';
import { runGan } from '../../../workers/families/gan/run';
import { ganTrainStep, type GanBatch, type GanStepOptions } from '../../../workers/families/gan/step';

const tmp = mkdtempSync(join(tmpdir(), 'lw-gan-cond-'));
let tiny: ImageDataset;

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
  tiny = loadImageDataset(datasetCatalogue.mnist, { trainSize: 64, testSize: 10 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Conditioning = 'cgan' | 'acgan';
function config(hyper: Partial<GanConfig['hyper']>, template: 'mlp' | 'dcgan' = 'mlp'): GanConfig {
  return ganConfigSchema.parse({ family: 'gan', architecture: { template }, hyper });
}
const issues = (hyper: Record<string, unknown>): string => {
  const r = ganConfigSchema.safeParse({ family: 'gan', hyper });
  return r.success ? '' : formatIssues(r.error).join('\n');
};

describe('config', () => {
  it('adds conditioning and auxWeight, and refuses conditioning on a 2-D toy saying why', () => {
    const h = config({}).hyper;
    expect(h.conditioning).toBe('none');
    expect(h.auxWeight).toBe(1);
    expect(issues({ conditioning: 'cgan' })).toBe('');
    expect(issues({ conditioning: 'acgan', auxWeight: 0.5, unrollSteps: 2, minibatchStddev: true, virtualBatchNorm: true, loss: 'wgan-gp' })).toBe('');
    expect(issues({ conditioning: 'infogan' })).toMatch(/hyper\.conditioning: conditioning must be 'none', 'cgan' or 'acgan'/);
    expect(issues({ conditioning: 'acgan', auxWeight: -1 })).toMatch(/auxWeight must be ≥ 0/);
    expect(issues({ toy: 'ring8', conditioning: 'cgan' })).toBe("hyper.conditioning: conditioning 'cgan' needs class labels, and the 2-D toy mixture ring8 has none: use conditioning 'none' with a toy, or train on an image dataset");
    expect(issues({ toy: 'ring8' })).toBe('');
  });

  it('the architecture resolver builds the conditional templates for the dataset\'s classes, and refuses the toy template', () => {
    for (const conditioning of ['cgan', 'acgan'] as const) {
      const { architecture } = resolveArchitecture({} as Store, config({ conditioning }), datasetCatalogue.mnist);
      const parts = (architecture as ModelDocument).parts;
      expect(inferShapes(parts['generator']!).inputs.map((i) => [i.name, i.shape])).toEqual([['z', [64]], ['y', [10]]]);
      expect(inferShapes(parts['discriminator']!).inputs.map((i) => i.name)).toEqual(conditioning === 'cgan' ? ['x', 'y'] : ['x']);
      expect(inferShapes(parts['discriminator']!).outputShape).toEqual(conditioning === 'cgan' ? [1] : [11]);
    }
    const toy = ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { conditioning: 'cgan' } });
    expect(() => resolveArchitecture({} as Store, toy, datasetCatalogue.mnist)).toThrow(/toy-mlp GAN template has no conditional variant/);
  });
});

describe('conditional templates', () => {
  const cases = (['mlp', 'dcgan'] as const).flatMap((t) => (['cgan', 'acgan'] as const).flatMap((c) => [[t, c, false], [t, c, true]] as const));
  it.each(cases)('%s %s (tricks %s): the contract holds, shapes and parameter counts match tf', (template, conditioning, tricks) => {
    const L = 16;
    const doc = ganTemplate(template, [28, 28, 1], L, { conditioning, numClasses: 10, minibatchStddev: tricks, virtualBatchNorm: tricks });
    expect(checkGeneratorDiscriminator(doc, { dataShape: [28, 28, 1], latentDim: L, conditioning, numClasses: 10 })).toEqual([]);
    // The other conditioning, or another class count, breaks it.
    expect(checkGeneratorDiscriminator(doc, { dataShape: [28, 28, 1], latentDim: L, conditioning: conditioning === 'cgan' ? 'acgan' : 'cgan', numClasses: 10 })).not.toEqual([]);
    expect(checkGeneratorDiscriminator(doc, { dataShape: [28, 28, 1], latentDim: L, conditioning, numClasses: 7 })).not.toEqual([]);
    expect(checkGeneratorDiscriminator(doc, { dataShape: [28, 28, 1], latentDim: L })).not.toEqual([]);
    for (const part of ['generator', 'discriminator'] as const) {
      const report = inferShapes(doc.parts[part]!);
      expect(report.errors).toEqual([]);
      const m = compileGraph(doc.parts[part]!, { seed: 1 });
      expect(m.countParams()).toBe(report.totalParams);
      expect(m.inputs.map((i) => i.shape.slice(1))).toEqual(report.inputs.map((i) => i.shape));
      for (const n of report.nodes) if (n.kind !== 'input' && n.kind !== 'flatten') expect(m.getLayer(n.nodeId).outputShape).toEqual([null, ...n.outputShape]);
      m.dispose();
    }
    const g = inferShapes(doc.parts['generator']!);
    expect(g.nodes.find((n) => n.nodeId === 'zy')!.outputShape).toEqual([L + 10]);
    if (template === 'dcgan' && conditioning === 'cgan') {
      const d = inferShapes(doc.parts['discriminator']!);
      expect(d.nodes.find((n) => n.nodeId === 'label_reshape')!.outputShape).toEqual([28, 28, 1]);
      expect(d.nodes.find((n) => n.nodeId === 'xy')!.outputShape).toEqual([28, 28, 2]);
    }
    // Laid out for the editor: every node placed, the label branch on its own row.
    for (const p of Object.values(doc.parts)) {
      expect(p.nodes.every((n) => n.position !== undefined)).toBe(true);
      const y = p.nodes.find((n) => n.id === 'y');
      if (y) expect(y.position!.y).toBeGreaterThan(p.nodes[0]!.position!.y);
    }
  });

  it('without conditioning the templates are unchanged; the toy template has no conditional variant; numClasses is required', () => {
    for (const name of ['mlp', 'dcgan'] as const) expect(ganTemplate(name, [28, 28, 1], 8, { conditioning: 'none', numClasses: 10 })).toEqual(ganTemplate(name, [28, 28, 1], 8));
    expect(() => ganTemplate('toy-mlp', [2], 2, { conditioning: 'cgan', numClasses: 10 })).toThrow(/no conditional variant: the 2-D toy mixtures have no class labels/);
    expect(() => ganTemplate('mlp', [28, 28, 1], 8, { conditioning: 'acgan' })).toThrow(/needs the dataset's number of classes/);
  });
});

describe('the conditional contract', () => {
  const contract = { dataShape: [28, 28, 1], latentDim: 8, numClasses: 10 };
  const messages = (m: ModelDocument, conditioning: 'none' | Conditioning): string => checkGeneratorDiscriminator(m, { ...contract, conditioning }).map((e) => e.message).join('\n');
  const withPart = (m: ModelDocument, part: string, g: GraphDocument): ModelDocument => ({ ...m, parts: { ...m.parts, [part]: g } });
  const cgan = ganTemplate('mlp', [28, 28, 1], 8, { conditioning: 'cgan', numClasses: 10 });
  const acgan = ganTemplate('mlp', [28, 28, 1], 8, { conditioning: 'acgan', numClasses: 10 });
  const plain = ganTemplate('mlp', [28, 28, 1], 8);

  it('an unconditional generator in a conditional run: no label input, said how to add one', () => {
    const errs = checkGeneratorDiscriminator(withPart(cgan, 'generator', plain.parts['generator']!), { ...contract, conditioning: 'cgan' });
    expect(errs[0]!.message).toBe("generator: has no input named 'z' (it has 'x' [8]); a conditional generator takes the noise named 'z' [8] and the one-hot label (10 classes) named 'y' [10]");
    expect(errs[1]!.message).toMatch(/^generator: has no input named 'y'/);
    expect(errs[1]!.hint).toBe('Add an input node with params { "name": "y", "shape": [10] } and join it to the network with a concat layer');
  });

  it('a label of the wrong size, a cgan discriminator without the label, an AC-GAN output of the wrong size', () => {
    const g = structuredClone(cgan.parts['generator']!);
    g.nodes.find((n) => n.id === 'y')!.params['shape'] = [7];
    expect(messages(withPart(cgan, 'generator', g), 'cgan')).toMatch(/generator: concat 'zy'|generator: input 'y' is \[7\] but the one-hot label \(10 classes\) is \[10\]/);
    expect(messages(withPart(cgan, 'discriminator', plain.parts['discriminator']!), 'cgan')).toMatch(/discriminator: has no input named 'x' \(it has 'x' \[28, 28, 1\]\)|discriminator: has no input named 'y' \(it has 'x' \[28, 28, 1\]\); a conditional discriminator takes the data named 'x' \[28, 28, 1\] and the one-hot label \(10 classes\) named 'y' \[10\]/);
    expect(messages(withPart(acgan, 'discriminator', plain.parts['discriminator']!), 'acgan')).toBe('discriminator: outputs [1] but an AC-GAN discriminator must output [11]: the source logit, then 10 class logits');
    expect(messages(withPart(acgan, 'discriminator', cgan.parts['discriminator']!), 'acgan')).toMatch(/^discriminator: has 2 inputs \('x' \[28, 28, 1\], 'y' \[10\]\) but takes only the data \[28, 28, 1\] \(an AC-GAN discriminator predicts the class instead of being told it\)/);
    expect(messages(cgan, 'none')).toMatch(/^generator: has 2 inputs \('z' \[8\], 'y' \[10\]\) but takes only the noise \[8\] \(conditioning is none\)/);
    expect(checkGeneratorDiscriminator(cgan, { ...contract, conditioning: 'cgan', numClasses: undefined })[0]!.message).toMatch(/needs a dataset with at least 2 classes/);
  });

  it('buildGan reads the label size from the generator when it is not given, and refuses a mismatch clearly', () => {
    const nets = buildGan(cgan, [28, 28, 1], 8, 1, { conditioning: 'cgan' });
    expect(nets.numClasses).toBe(10);
    expect(nets.generatorInputs).toEqual(['z', 'y']);
    expect(nets.discriminatorInputs).toEqual(['x', 'y']);
    disposeGan(nets);
    expect(() => buildGan(cgan, [28, 28, 1], 8, 1, { conditioning: 'cgan', numClasses: 5 })).toThrow(/with latentDim 8 \(conditioning cgan, 5 classes\)[\s\S]*input 'y' is \[10\]/);
  });
});

describe('labels on wasm', () => {
  it('one-hot labels are exact ones and zeros (int32 one-hot, then cast), uniform sampling is seeded', () => {
    const t = oneHotLabels([0, 3, 9], 10);
    expect(t.dtype).toBe('float32');
    const v = Array.from(t.dataSync());
    expect(v.filter((x) => x === 1)).toHaveLength(3);
    expect(v.filter((x) => x === 0)).toHaveLength(27);
    expect([v[0], v[13], v[29]]).toEqual([1, 1, 1]);
    t.dispose();
    const a = sampleLabels(5000, 10, 3);
    expect(Array.from(a)).toEqual(Array.from(sampleLabels(5000, 10, 3)));
    const counts = new Array<number>(10).fill(0);
    for (const l of a) counts[l]! += 1;
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(80);
  });

  it('class cross-entropy and accuracy', () => {
    const [ce, acc] = tf.tidy(() => {
      const logits = tf.tensor2d([[5, 0, 0], [0, 0, 5]]);
      const y = oneHotLabels([0, 1], 3);
      return [classCrossEntropy(logits, y).dataSync()[0]!, classAccuracy(logits, y).dataSync()[0]!];
    });
    const lse = Math.log(Math.exp(5) + 2);
    expect(ce).toBeCloseTo(((lse - 5) + lse) / 2, 5);
    expect(acc).toBe(0.5);
  });
});

/** Real batches of the tiny subset, pixels in [−1, 1], with one-hot labels. */
function realBatches(from: number, n: number, k: number): GanBatch[] {
  return Array.from({ length: k }, (_, j) => {
    const idx = Array.from({ length: n }, (_, i) => (from + j * n + i) % 64);
    const x = tf.tensor(Float32Array.from(idx.flatMap((i) => Array.from(tiny.trainImages.subarray(i * 784, (i + 1) * 784), (v) => 2 * v - 1))), [n, 28, 28, 1]);
    return { x, y: oneHotLabels(idx.map((i) => tiny.trainLabels[i]!), 10) };
  });
}
const disposeBatches = (bs: GanBatch[]): void => tf.dispose(bs.flatMap((b) => [b.x, b.y!]));

describe('conditional steps (wasm)', () => {
  it.each<[Conditioning, GanStepOptions['loss'], { unroll?: GanStepOptions['unroll']; tricks?: boolean }]>([
    ['cgan', 'nonsaturating', {}],
    ['acgan', 'nonsaturating', {}],
    ['cgan', 'wgan-gp', {}],
    ['acgan', 'wgan', {}],
    ['cgan', 'nonsaturating', { unroll: { steps: 2, secondOrder: true } }],
    ['acgan', 'lsgan', { unroll: { steps: 1, secondOrder: false }, tricks: true }],
  ])('%s with %s %j leaves no tensors behind per step', async (conditioning, loss, setup) => {
    const doc = ganTemplate('mlp', [28, 28, 1], 8, { conditioning, numClasses: 10, minibatchStddev: setup.tricks ?? false, virtualBatchNorm: setup.tricks ?? false });
    const nets = buildGan(doc, [28, 28, 1], 8, 1, { conditioning, numClasses: 10, referenceSize: 8 });
    if (setup.tricks) expect(nets.referenceLabels!.shape).toEqual([8, 10]);
    const optD = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const optG = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const step = async (i: number): Promise<void> => {
      const real = realBatches(i * 8, 8, 2);
      const r = await ganTrainStep(nets, optD, optG, real, { loss, targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: i, auxWeight: 1, ...(setup.unroll ? { unroll: setup.unroll } : {}) });
      expect(Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss) && Number.isFinite(r.gGradNorm)).toBe(true);
      if (conditioning === 'acgan') {
        for (const v of [r.dClassAccuracy, r.gClassAccuracy]) expect(v! >= 0 && v! <= 1).toBe(true);
        expect(r.dClassLoss! > 0 && r.gClassLoss! > 0).toBe(true);
      } else {
        expect(r.dClassAccuracy).toBeUndefined();
      }
      disposeBatches(real);
    };
    await step(0); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 3; i++) await step(i);
    expect(tf.memory().numTensors).toBe(before);
    disposeGan(nets);
    optD.dispose();
    optG.dispose();
  });

  it('a conditional step without the real labels, or a conditional generator without labels, says what is missing', async () => {
    const nets = buildGan(ganTemplate('mlp', [28, 28, 1], 8, { conditioning: 'cgan', numClasses: 10 }), [28, 28, 1], 8, 1, { conditioning: 'cgan', numClasses: 10 });
    const opt = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const x = tf.zeros([4, 28, 28, 1]);
    await expect(ganTrainStep(nets, opt, opt, [x], { loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: 1 })).rejects.toThrow(/needs every real batch's one-hot labels/);
    await expect(generate(nets, [[0, 0, 0, 0, 0, 0, 0, 0]])).rejects.toThrow(/conditional \(cgan\): give one class label per noise vector/);
    // The same noise with two labels: two different images.
    const two = await generate(nets, [new Array<number>(8).fill(0.5), new Array<number>(8).fill(0.5)], [1, 7]);
    expect(two.slice(0, 784)).not.toEqual(two.slice(784));
    x.dispose();
    opt.dispose();
    disposeGan(nets);
  });
});

describe('conditional runs (wasm, small real MNIST subsets)', () => {
  const quick = (conditioning: Conditioning, hyper: Partial<GanConfig['hyper']>, template: 'mlp' | 'dcgan' = 'mlp') => ({
    config: config({ conditioning, epochs: 1, batchSize: 16, latentDim: 8, evalSamples: 0, ...hyper }, template),
    model: ganTemplate(template, [28, 28, 1], 8, { conditioning, numClasses: 10, minibatchStddev: hyper.minibatchStddev ?? false, virtualBatchNorm: hyper.virtualBatchNorm ?? false }),
    isCancelled: () => false, dataset: tiny,
  });
  const finite = (sink: RecordingSink, keys: MetricKey[], n: number): void => {
    for (const k of keys) {
      expect(sink.values(k), k).toHaveLength(n);
      expect(sink.values(k).every(Number.isFinite), k).toBe(true);
    }
  };

  it.each((['cgan', 'acgan'] as const).flatMap((c) => (['minimax', 'nonsaturating', 'lsgan', 'wgan', 'wgan-gp'] as const).map((l) => [c, l] as const)))('%s with the %s loss runs and records its metrics', async (conditioning, loss) => {
    const sink = new RecordingSink();
    const r = await runGan({ ...quick(conditioning, { loss, dSteps: loss.startsWith('wgan') ? 2 : 1 }), sink });
    expect(r.status).toBe('done');
    const steps = Math.ceil(64 / (16 * (loss.startsWith('wgan') ? 2 : 1)));
    finite(sink, ['d_loss', 'g_loss', 'd_real', 'd_fake', 'd_grad_norm', 'g_grad_norm'], steps);
    if (conditioning === 'acgan') finite(sink, ['d_class_accuracy', 'g_class_accuracy', 'd_class_loss', 'g_class_loss'], steps);
    else expect(sink.values('d_class_accuracy')).toHaveLength(0);
    if (loss === 'wgan-gp') finite(sink, ['gradient_penalty'], steps);
    expect(sink.logs.some((l) => (conditioning === 'cgan' ? /^Conditional GAN \(Mirza & Osindero 2014\)/ : /^AC-GAN \(Odena et al\. 2017\).*weight 1\) to their/).test(l.message))).toBe(true);
  });

  it('cgan with an unrolled discriminator (second order) runs, and says so', async () => {
    const sink = new RecordingSink();
    const r = await runGan({ ...quick('cgan', { unrollSteps: 2 }), sink });
    expect(r.status).toBe('done');
    finite(sink, ['d_loss', 'g_loss', 'g_grad_norm'], 4);
    expect(sink.logs.some((l) => l.level === 'info' && /^Unrolled GAN.*second order/.test(l.message))).toBe(true);
    expect(sink.logs.some((l) => l.level === 'warn')).toBe(false);
  });

  it('acgan with minibatch stddev, and with virtual batch norm, run and say so', async () => {
    const mb = new RecordingSink();
    expect((await runGan({ ...quick('acgan', { minibatchStddev: true }), sink: mb })).status).toBe('done');
    finite(mb, ['d_loss', 'g_loss', 'd_class_accuracy'], 4);
    expect(mb.logs.some((l) => /^Minibatch stddev/.test(l.message))).toBe(true);
    const vbn = new RecordingSink();
    expect((await runGan({ ...quick('acgan', { virtualBatchNorm: true }), sink: vbn })).status).toBe('done');
    finite(vbn, ['d_loss', 'g_loss'], 4);
    expect(vbn.logs.some((l) => /^Virtual batch norm.*'hidden_vbn'/.test(l.message))).toBe(true);
  });

  it('a conditional DCGAN (cgan with WGAN-GP, acgan) trains a step; its grid has a row per class', async () => {
    for (const conditioning of ['cgan', 'acgan'] as const) {
      const sink = new RecordingSink();
      const r = await runGan({ ...quick(conditioning, { batchSize: 32, dSteps: 2, ...(conditioning === 'cgan' ? { loss: 'wgan-gp' as const } : {}) }, 'dcgan'), sink, runDir: join(tmp, `dcgan-${conditioning}`) });
      expect(r.status).toBe('done');
      finite(sink, ['d_loss', 'g_loss'], 1);
      const grid = sink.samples.find((s) => s.kind === 'samples')!;
      expect((grid.meta as unknown as ImageGridMeta).rows).toBe(10);
    }
  });

  it('resumes a cgan run from its checkpoint exactly where it left off', async () => {
    const hyper = { epochs: 2, batchSize: 16 };
    const full = new RecordingSink();
    await runGan({ ...quick('cgan', hyper), sink: full });
    const runDir = join(tmp, 'resume');
    const first = new RecordingSink();
    await runGan({ ...quick('cgan', { ...hyper, epochs: 1 }), sink: first, runDir });
    expect(first.checkpoints).toHaveLength(1);
    const second = new RecordingSink();
    const r = await runGan({ ...quick('cgan', hyper), sink: second, runDir, resumeFrom: first.checkpoints[0]! });
    expect(r.status).toBe('done');
    expect(second.logs.some((l) => /^Resumed from/.test(l.message))).toBe(true);
    expect(second.metrics.filter((m) => m.key === 'd_loss').map((m) => m.step)).toEqual([5, 6, 7, 8]);
    const tail = (s: RecordingSink, k: MetricKey): number[] => s.values(k).slice(-4);
    for (const k of ['d_loss', 'g_loss'] as const) tail(second, k).forEach((v, i) => expect(v).toBeCloseTo(tail(full, k)[i]!, 3));
  });
});

describe('analyses of a conditional run', () => {
  it('latent interpolation between two cells of different classes (the label moves too, the ends are the two samples); nearest neighbours of a cell', async () => {
    const runDir = join(tmp, 'interp');
    const sink = new RecordingSink();
    const c = config({ conditioning: 'cgan', epochs: 1, batchSize: 16, latentDim: 8, evalSamples: 0 });
    const model = ganTemplate('mlp', [28, 28, 1], 8, { conditioning: 'cgan', numClasses: 10 });
    await runGan({ config: c, model, sink, isCancelled: () => false, dataset: tiny, runDir });
    const grid = sink.samples.filter((x) => x.kind === 'samples').pop()!;
    const meta = grid.meta as unknown as ImageGridMeta;
    // Cell 3: class 0, column 3; cell 25: class 2, column 5.
    expect([meta.labels![3], meta.labels![25]]).toEqual([0, 2]);
    const art = await analyzeRun({
      config: c, architecture: model, runDir, step: grid.step, checkpoint: sink.checkpoints[0]!,
      request: { kind: 'latent-interpolation', a: 3, b: 25, steps: 5, path: 'slerp' }, source: { path: grid.path, meta: grid.meta as Record<string, unknown> },
    });
    const g = gridGeometry(grid.meta as Record<string, unknown>);
    const out = gridGeometry(art.meta);
    expect([out.rows, out.cols]).toEqual([1, 5]);
    const close = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(close(await readGridCell(art.path, out, 0), await readGridCell(grid.path, g, 3))).toBeLessThanOrEqual(1 / 255 + 1e-6);
    expect(close(await readGridCell(art.path, out, 4), await readGridCell(grid.path, g, 25))).toBeLessThanOrEqual(1 / 255 + 1e-6);
    // The nearest-neighbour analysis reads the 10×10 grid's PNG as it is.
    const nn = await analyzeRun({
      config: c, architecture: model, runDir, step: grid.step, request: { kind: 'nearest-neighbours', step: grid.step, cell: 99, count: 3 }, source: { path: grid.path, meta: grid.meta as Record<string, unknown> },
    }, { trainSet: { images: tiny.trainImages, labels: tiny.trainLabels, inputShape: [28, 28, 1] } });
    expect(nn.kind).toBe('neighbours');
    expect((nn.meta as unknown as ImageGridMeta).trainIndices).toHaveLength(3);
  });
});
