/**
 * The GAN stabilising tricks (issue 4): unrolled discriminator (Metz et al.
 * 2016), minibatch standard deviation (Karras et al. 2018) and virtual batch
 * norm (Salimans et al. 2016). Layers against direct computations and tf,
 * the unrolled gradient against finite differences, leaks per step, and runs
 * on the 8-Gaussian ring on wasm. That an unrolled GAN learns the ring faster
 * than a plain one is the training tier's (test/training/ganLearns.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Store } from '../../../db/storeTypes';
import { resolveArchitecture } from '../../../main/services/architectureResolver';
import { datasetCatalogue } from '../../../workers/common/datasets';
import type { GraphDocument, ModelDocument } from '../../../workers/common/graph';
import { GRAPH_VERSION, MODEL_FORMAT } from '../../../workers/common/graph';
import { chain, inputLayer, type ChainLayer } from '../../../workers/common/graphChain';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { checkGeneratorDiscriminator } from '../../../workers/common/families/gan/contract';
import { formatIssues, ganConfigSchema, type GanConfig } from '../../../workers/common/runConfig';
import { inferShapes } from '../../../workers/common/shapes';
import { loadImageDataset } from '../../../workers/data/mnist';
import { sampleToy, toyMixture } from '../../../workers/data/toy2d';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { effectiveGroupSize } from '../../../workers/engine/minibatchStddev';
import { deriveSeed } from '../../../workers/engine/prng';
import { RecordingSink } from '../../../workers/engine/sink';
import { VBN_REFERENCE_KWARG } from '../../../workers/engine/virtualBatchNorm';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { generate } from '../../../workers/families/gan/galleries';
import { discriminatorLoss, ensureHigherOrderGradients, generatorLoss } from '../../../workers/families/gan/losses';
import { buildGan, disposeGan, generatorForward, makeGanOptimizer, trainableVariables, type GanNetworks } from '../../../workers/families/gan/model';
import { runGan } from '../../../workers/families/gan/run';
import { ganTrainStep, generatorGradients, type GanStepOptions } from '../../../workers/families/gan/step';

const edgesOf = (ids: string[]): GraphDocument['edges'] => ids.slice(1).map((to, i) => ({ from: ids[i]!, to, toPort: 0 }));
function graph(name: string, nodes: { id: string; kind: string; params?: Record<string, unknown> }[]): GraphDocument {
  return { format: 'latent-graph', version: 1, name, nodes: nodes.map((n) => ({ id: n.id, kind: n.kind, params: n.params ?? {} })), edges: edgesOf(nodes.map((n) => n.id)) };
}

function config(hyper: Partial<GanConfig['hyper']>): GanConfig {
  return ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper });
}

/** Std normal-ish values from a seed, as a plain array (the tests' own reference computations). */
const values = (n: number, seed: number): number[] => Array.from(tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', seed).dataSync()));

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('config', () => {
  it('adds the switches with their defaults and researcher-readable messages', () => {
    const h = config({}).hyper;
    expect(h.unrollSteps).toBe(0);
    expect(h.unrollGradient).toBe('second-order');
    expect(h.minibatchStddev).toBe(false);
    expect(h.virtualBatchNorm).toBe(false);
    const issues = (hyper: Record<string, unknown>): string => {
      const r = ganConfigSchema.safeParse({ family: 'gan', hyper });
      return r.success ? '' : formatIssues(r.error).join('\n');
    };
    expect(issues({ unrollSteps: 21 })).toMatch(/hyper\.unrollSteps: unrollSteps must be at most 20/);
    expect(issues({ unrollSteps: -1 })).toMatch(/unrollSteps must be ≥ 0 \(0 turns unrolling off\)/);
    expect(issues({ unrollSteps: 2.5 })).toMatch(/unrollSteps must be a whole number/);
    expect(issues({ unrollGradient: 'third-order' })).toMatch(/unrollGradient must be 'second-order' or 'first-order'/);
    expect(issues({ minibatchStddev: 'yes' })).toMatch(/minibatchStddev must be true or false/);
    expect(issues({ virtualBatchNorm: 1 })).toMatch(/virtualBatchNorm must be true or false/);
    expect(issues({ unrollSteps: 5, unrollGradient: 'first-order', minibatchStddev: true, virtualBatchNorm: true })).toBe('');
  });

  it('the architecture resolver passes the switches to the GAN templates', () => {
    const c = ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', minibatchStddev: true, virtualBatchNorm: true } });
    const { architecture } = resolveArchitecture({} as Store, c, datasetCatalogue.mnist);
    const parts = (architecture as ModelDocument).parts;
    expect(parts['discriminator']!.nodes.map((n) => n.kind)).toContain('minibatchStddev');
    expect(parts['generator']!.nodes.map((n) => n.kind)).toContain('virtualBatchNorm');
    const plain = resolveArchitecture({} as Store, ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8' } }), datasetCatalogue.mnist);
    const kinds = Object.values((plain.architecture as ModelDocument).parts).flatMap((p) => p.nodes.map((n) => n.kind));
    expect(kinds).not.toContain('minibatchStddev');
    expect(kinds).not.toContain('virtualBatchNorm');
  });
});

describe('templates with the tricks', () => {
  it.each([['mlp', [28, 28, 1], 16], ['dcgan', [28, 28, 1], 16], ['toy-mlp', [2], 2], ['mlp', [2], 4]] as const)('%s on %j: the layers sit where they should, shapes and parameter counts match tf', (name, shape, latentDim) => {
    const doc = ganTemplate(name, [...shape], latentDim, { minibatchStddev: true, virtualBatchNorm: true });
    expect(checkGeneratorDiscriminator(doc, { dataShape: [...shape], latentDim })).toEqual([]);
    const dKinds = doc.parts['discriminator']!.nodes.map((n) => n.kind);
    const at = dKinds.indexOf('minibatchStddev');
    expect(at).toBeGreaterThan(0);
    expect(dKinds[at + 1]).toBe(name === 'dcgan' ? 'flatten' : 'dense');
    if (name !== 'dcgan') expect(at + 2).toBe(dKinds.length); // right before the logit
    const gKinds = doc.parts['generator']!.nodes.map((n) => n.kind);
    expect(gKinds).not.toContain('batchNorm');
    expect(gKinds.filter((k) => k === 'virtualBatchNorm')).toHaveLength(name === 'toy-mlp' || name === 'dcgan' ? 2 : 1);
    for (const part of ['generator', 'discriminator'] as const) {
      const report = inferShapes(doc.parts[part]!);
      const m = compileGraph(doc.parts[part]!, { seed: 1 });
      expect(report.totalParams).toBe(m.countParams());
      for (const n of report.nodes) if (n.kind !== 'input' && n.kind !== 'flatten') expect(m.getLayer(n.nodeId).outputShape).toEqual([null, ...n.outputShape]);
      m.dispose();
    }
  });

  it('without options the templates are unchanged', () => {
    for (const [name, shape] of [['mlp', [28, 28, 1]], ['dcgan', [28, 28, 1]], ['toy-mlp', [2]]] as const) {
      expect(ganTemplate(name, [...shape], 8, {})).toEqual(ganTemplate(name, [...shape], 8));
      expect(ganTemplate(name, [...shape], 8, { minibatchStddev: false, virtualBatchNorm: false })).toEqual(ganTemplate(name, [...shape], 8));
    }
  });
});

describe('minibatchStddev layer', () => {
  const mb = (shape: number[], groupSize: number): GraphDocument => graph('mb', [{ id: 'in', kind: 'input', params: { shape } }, { id: 'mbstd', kind: 'minibatchStddev', params: { groupSize } }]);

  it.each([[[5], 0], [[4, 4, 3], 0], [[4, 4, 3], 2], [[7], 4]] as const)('on %j (group %i): inferred shape and parameter count match tf', (shape, groupSize) => {
    const doc = mb([...shape], groupSize);
    const report = inferShapes(doc);
    expect(report.errors).toEqual([]);
    const m = compileGraph(doc, { seed: 1 });
    const expected = [...shape];
    expected[expected.length - 1]! += 1;
    expect(report.outputShape).toEqual(expected);
    expect(m.outputs[0]!.shape).toEqual([null, ...expected]);
    expect(report.totalParams).toBe(0);
    expect(m.countParams()).toBe(0);
    const y = tf.tidy(() => m.predict(tf.zeros([6, ...shape])) as tf.Tensor);
    expect(y.shape).toEqual([6, ...expected]);
    y.dispose();
    m.dispose();
  });

  it('refuses other ranks, naming the node and the fix', () => {
    const r = inferShapes(mb([4, 4], 0));
    expect(r.ok).toBe(false);
    expect(r.errors[0]!.message).toMatch(/minibatchStddev 'mbstd' needs a flat \[features\] or an \[height, width, channels\] input, got \[4, 4\]/);
    expect(inferShapes(graph('bad', [{ id: 'in', kind: 'input', params: { shape: [3] } }, { id: 'm', kind: 'minibatchStddev', params: { groupSize: -1 } }])).errors[0]!.code).toBe('bad-params');
  });

  it('computes the mean over features of the standard deviation over the group, per group', () => {
    expect([effectiveGroupSize(8, 0), effectiveGroupSize(8, 4), effectiveGroupSize(6, 4), effectiveGroupSize(3, 4), effectiveGroupSize(7, 4)]).toEqual([8, 4, 3, 3, 1]);
    const n = 6;
    const shape = [2, 2, 3];
    const f = 12;
    const x = values(n * f, 3);
    for (const groupSize of [0, 2, 4]) {
      const m = compileGraph(mb(shape, groupSize), { seed: 1 });
      const y = tf.tidy(() => (m.predict(tf.tensor(x, [n, ...shape])) as tf.Tensor).dataSync());
      const g = effectiveGroupSize(n, groupSize);
      const groups = n / g;
      for (let i = 0; i < n; i++) {
        // Example i is in group i mod (n / g), with examples i mod groups, + groups, + 2·groups, …
        const members = Array.from({ length: g }, (_, k) => (i % groups) + k * groups);
        let s = 0;
        for (let j = 0; j < f; j++) {
          const v = members.map((e) => x[e * f + j]!);
          const mean = v.reduce((a, b) => a + b, 0) / g;
          s += Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / g + 1e-8);
        }
        const expected = s / f;
        for (let p = 0; p < 4; p++) {
          const base = (i * 4 + p) * 4; // [h·w positions] × (3 channels + 1)
          for (let c = 0; c < 3; c++) expect(y[base + c]!).toBeCloseTo(x[i * f + p * 3 + c]!, 6);
          expect(y[base + 3]!).toBeCloseTo(expected, 5);
        }
      }
      m.dispose();
    }
  });

  it('round-trips through tf serialization', async () => {
    const m = compileGraph(graph('mbser', [{ id: 'in', kind: 'input', params: { shape: [3] } }, { id: 'h', kind: 'dense', params: { units: 4 } }, { id: 'mbstd', kind: 'minibatchStddev', params: { groupSize: 2 } }, { id: 'out', kind: 'dense', params: { units: 1 } }]), { seed: 2 });
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const back = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(back.getLayer('mbstd').getClassName()).toBe('MinibatchStddev');
    expect(back.getLayer('mbstd').getConfig()['groupSize']).toBe(2);
    const x = tf.tensor2d(values(12, 4), [4, 3]);
    const a = m.predict(x) as tf.Tensor;
    const b = back.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    m.dispose();
    back.dispose();
  });
});

describe('virtualBatchNorm layer', () => {
  const vbnDoc = (shape: number[]): GraphDocument => graph('vbn', [{ id: 'in', kind: 'input', params: { shape } }, { id: 'vbn', kind: 'virtualBatchNorm', params: { epsilon: 0.001 } }]);

  it.each([[[5]], [[3, 3, 4]]] as const)('on %j: inferred shape and parameter count (γ, β) match tf', (shape) => {
    const report = inferShapes(vbnDoc([...shape]));
    const m = compileGraph(vbnDoc([...shape]), { seed: 1 });
    expect(report.outputShape).toEqual([...shape]);
    expect(m.outputs[0]!.shape).toEqual([null, ...shape]);
    expect(report.totalParams).toBe(2 * shape[shape.length - 1]!);
    expect(m.countParams()).toBe(report.totalParams);
    m.dispose();
  });

  it('normalises each example with the reference batch plus itself, independently of the rest of its batch', () => {
    const shape = [2, 2, 3];
    const per = 12;
    const R = 4;
    const m = compileGraph(vbnDoc(shape), { seed: 1 });
    const ref = values(R * per, 5).map((v) => 2 * v + 1);
    const cur = values(3 * per, 6).map((v) => 3 * v - 2);
    const run = (rows: number[], kwargs: Record<string, unknown>): Float32Array => tf.tidy(() => (m.apply(tf.tensor(rows, [rows.length / per, ...shape]), kwargs) as tf.Tensor).dataSync() as Float32Array);
    const y = run([...ref, ...cur], { training: true, [VBN_REFERENCE_KWARG]: R });
    for (let c = 0; c < 3; c++) {
      const refVals = Array.from({ length: R * 4 }, (_, k) => ref[k * 3 + c]!);
      const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
      const variance = (v: number[]): number => mean(v.map((t) => (t - mean(v)) ** 2));
      // The reference rows: their own statistics.
      for (let k = 0; k < R * 4; k++) expect(y[k * 3 + c]!).toBeCloseTo((refVals[k]! - mean(refVals)) / Math.sqrt(variance(refVals) + 0.001), 4);
      // Each current example: the statistics of the reference positions and its own, it counting as one more example.
      for (let i = 0; i < 3; i++) {
        const own = Array.from({ length: 4 }, (_, p) => cur[i * per + p * 3 + c]!);
        const all = [...refVals, ...own];
        for (let p = 0; p < 4; p++) expect(y[(R + i) * per + p * 3 + c]!).toBeCloseTo((own[p]! - mean(all)) / Math.sqrt(variance(all) + 0.001), 4);
      }
    }
    // Example 0's output does not depend on the other examples of its batch (unlike batch norm).
    const alone = run([...ref, ...cur.slice(0, per)], { [VBN_REFERENCE_KWARG]: R });
    for (let k = 0; k < per; k++) expect(alone[R * per + k]!).toBeCloseTo(y[R * per + k]!, 5);
    // Without a reference: the batch's own statistics.
    const plain = run(cur, {});
    const mean0 = (Array.from({ length: 12 }, (_, k) => cur[k * 3]!)).reduce((a, b) => a + b, 0) / 12;
    expect(Array.from({ length: 12 }, (_, k) => plain[k * 3]!).reduce((a, b) => a + b, 0) / 12).toBeCloseTo(0, 5);
    expect(mean0).not.toBeCloseTo(0, 1);
    m.dispose();
  });

  it('round-trips through tf serialization', async () => {
    const m = compileGraph(graph('vbnser', [{ id: 'in', kind: 'input', params: { shape: [3] } }, { id: 'h', kind: 'dense', params: { units: 4 } }, { id: 'vbn', kind: 'virtualBatchNorm', params: { epsilon: 0.01 } }]), { seed: 2 });
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const back = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(back.getLayer('vbn').getClassName()).toBe('VirtualBatchNorm');
    expect(back.getLayer('vbn').getConfig()['epsilon']).toBe(0.01);
    const x = tf.tensor2d(values(18, 4), [6, 3]);
    const a = m.apply(x, { [VBN_REFERENCE_KWARG]: 4 }) as tf.Tensor;
    const b = back.apply(x, { [VBN_REFERENCE_KWARG]: 4 }) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    m.dispose();
    back.dispose();
  });

  it('a GAN generator with virtual batch norm: fixed reference from the seed, samples independent of their batch, batchNorm converted on request', async () => {
    const nets = buildGan(ganTemplate('toy-mlp', [2], 2, { virtualBatchNorm: true }), [2], 2, 7, { referenceSize: 32 });
    expect(nets.reference!.shape).toEqual([32, 2]);
    const again = buildGan(ganTemplate('toy-mlp', [2], 2, { virtualBatchNorm: true }), [2], 2, 7, { referenceSize: 32 });
    expect(Array.from(again.reference!.dataSync())).toEqual(Array.from(nets.reference!.dataSync()));
    disposeGan(again);
    const a = await generate(nets, [[0.1, 0.2], [1, -1], [0.5, 0.5]]);
    const b = await generate(nets, [[0.1, 0.2], [-2, 3]]);
    expect(b[0]!).toBeCloseTo(a[0]!, 5);
    expect(b[1]!).toBeCloseTo(a[1]!, 5);
    disposeGan(nets);

    // A custom generator with plain batch norm: compiled as virtual with the switch, left alone without it.
    const dense = (id: string, units: number, activation = 'linear'): ChainLayer => ({ id, kind: 'dense', label: id, params: { units, activation } });
    const model: ModelDocument = {
      format: MODEL_FORMAT, version: GRAPH_VERSION, name: 'bn-toy',
      parts: {
        generator: chain('g', [inputLayer([2]), dense('h', 8), { id: 'bn', kind: 'batchNorm', label: 'bn', params: { momentum: 0.9, epsilon: 0.01 } }, { id: 'act', kind: 'activation', label: 'relu', params: { activation: 'relu' } }, dense('out', 2)]),
        discriminator: chain('d', [inputLayer([2]), dense('h', 8, 'relu'), dense('logit', 1)]),
      },
    };
    const converted = buildGan(model, [2], 2, 1, { virtualBatchNorm: true });
    expect(converted.convertedBatchNorms).toEqual(['bn']);
    expect(converted.generator.getLayer('bn').getClassName()).toBe('VirtualBatchNorm');
    expect(converted.generator.countParams()).toBe(2 * 8 + 8 + 2 * 8 + 8 * 2 + 2);
    expect(converted.reference!.shape).toEqual([64, 2]);
    disposeGan(converted);
    const kept = buildGan(model, [2], 2, 1);
    expect(kept.generator.getLayer('bn').getClassName()).toBe('BatchNormalization');
    expect(kept.reference).toBeUndefined();
    disposeGan(kept);
  });
});

describe('unrolled discriminator', () => {
  /** Small smooth (tanh) networks, so finite differences are accurate. */
  function smoothGan(seed: number, withBatchNorm = false, conv = false): GanNetworks {
    const dense = (id: string, units: number, activation = 'linear'): ChainLayer => ({ id, kind: 'dense', label: id, params: { units, activation } });
    if (conv) {
      // 4×4 images; D: a strided and a plain convolution (tanh), then the logit.
      const c = (id: string, filters: number, strides: number): ChainLayer => ({ id, kind: 'conv2d', label: id, params: { filters, kernelSize: 3, strides, padding: 'same', activation: 'tanh' } });
      return buildGan({
        format: MODEL_FORMAT, version: GRAPH_VERSION, name: 'smooth-conv',
        parts: {
          generator: chain('g', [inputLayer([2]), dense('h', 12, 'tanh'), dense('out', 16), { id: 'r', kind: 'reshape', label: 'r', params: { targetShape: [4, 4, 1] } }]),
          discriminator: chain('d', [inputLayer([4, 4, 1]), c('c1', 3, 2), c('c2', 3, 1), { id: 'f', kind: 'flatten', label: 'f', params: {} }, dense('logit', 1)]),
        },
      }, [4, 4, 1], 2, seed);
    }
    const model: ModelDocument = {
      format: MODEL_FORMAT, version: GRAPH_VERSION, name: 'smooth',
      parts: {
        generator: chain('g', [inputLayer([2]), dense('h', 12, 'tanh'), dense('out', 2)]),
        discriminator: chain('d', [inputLayer([2]), dense('h', 12, 'tanh'), ...(withBatchNorm ? [{ id: 'bn', kind: 'batchNorm', label: 'bn', params: { momentum: 0.5 } }] : []), dense('h2', 12, 'tanh'), dense('logit', 1)]),
      },
    };
    return buildGan(model, [2], 2, seed);
  }
  const ring = toyMixture('ring8');
  const realToy = (n: number, seed: number): tf.Tensor2D => tf.tensor2d(sampleToy(ring, n, seed), [n, 2]);
  const realBatch = realToy;
  const stepOptions = (o: Partial<GanStepOptions> = {}): GanStepOptions => ({ loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: 11, ...o });
  const snapshot = (ts: readonly tf.Tensor[]): Float32Array[] => ts.map((t) => Float32Array.from(t.dataSync()));
  async function optimizerSnapshot(opt: tf.Optimizer): Promise<Float32Array[]> {
    const w = await opt.getWeights();
    const s = snapshot(w.map((x) => x.tensor));
    tf.dispose(w[0]!.tensor);
    return s;
  }

  /** The unrolled loss and the gradient's projection on a direction d (one array per generator variable). */
  async function unrolledAt(nets: GanNetworks, optD: tf.Optimizer, real: tf.Tensor, o: GanStepOptions): Promise<{ value: number; grads: Float32Array[] }> {
    const z = tf.randomNormal([real.shape[0]!, 2], 0, 1, 'float32', 99);
    const { value, grads } = await generatorGradients(nets, optD, real, z, o);
    const gVars = trainableVariables(nets.generator);
    const out = { value: value.dataSync()[0]!, grads: gVars.map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
    tf.dispose([z, value, ...Object.values(grads)]);
    return out;
  }

  it.each(['sgd', 'momentum', 'adam'] as const)('with %s: one unrolled step is exactly the optimizer\'s next update, and D and its optimizer are left untouched', async (optimizer) => {
    const nets = smoothGan(3, true);
    const optD = makeGanOptimizer({ optimizer, momentum: 0.8, beta1: 0.5 }, 0.05);
    const optG = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const o = stepOptions({ seed: 5 });
    // Two real steps first, so the optimizer has state (moments, step count) to continue from.
    for (let i = 0; i < 2; i++) {
      const r = [realBatch(16, i)];
      await ganTrainStep(nets, optD, optG, r, { ...o, seed: 100 + i });
      tf.dispose(r);
    }
    const real = realBatch(16, 7);
    const dWeights = nets.discriminator.weights.map((w) => w.read());
    const before = snapshot(dWeights);
    const optBefore = await optimizerSnapshot(optD);
    const unrolled = await unrolledAt(nets, optD, real, { ...o, unroll: { steps: 1, secondOrder: true } });
    expect(snapshot(dWeights)).toEqual(before); // weights and batch-norm moving averages
    expect(await optimizerSnapshot(optD)).toEqual(optBefore);

    // Now take that step for real with the optimizer, on the same fake batch, and score the generator on the same noise.
    const critic = (x: tf.Tensor): tf.Tensor => nets.discriminator.apply(x, { training: true }) as tf.Tensor;
    const fake = tf.tidy(() => generatorForward(nets, tf.randomNormal([16, 2], 0, 1, 'float32', deriveSeed(o.seed, 0, 3)), true));
    const { value: dl, grads } = tf.variableGrads(() => discriminatorLoss('nonsaturating', critic(real), critic(fake), o.targets), trainableVariables(nets.discriminator));
    optD.applyGradients(grads);
    const z = tf.randomNormal([16, 2], 0, 1, 'float32', 99);
    const direct = tf.tidy(() => generatorLoss('nonsaturating', critic(generatorForward(nets, z, true))).dataSync()[0]!);
    expect(unrolled.value).toBeCloseTo(direct, 5);
    tf.dispose([real, fake, dl, z, ...Object.values(grads)]);
    disposeGan(nets);
    optD.dispose();
    optG.dispose();
  });

  it.each([['sgd', 'dense'], ['adam', 'dense'], ['sgd', 'convolutional']] as const)('with %s and a %s discriminator: the second-order gradient matches finite differences of the unrolled loss; the first-order one does not', async (optimizer, kind) => {
    const conv = kind === 'convolutional';
    const nets = smoothGan(4, false, conv);
    const realBatch = (n: number, seed: number): tf.Tensor => (conv ? tf.randomNormal([n, 4, 4, 1], 0, 1, 'float32', seed) : realToy(n, seed));
    const optD = makeGanOptimizer({ optimizer, momentum: 0.9, beta1: 0.5 }, optimizer === 'sgd' ? 1 : 0.05);
    const optG = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const o = stepOptions();
    const r0 = [realBatch(32, 1)];
    await ganTrainStep(nets, optD, optG, r0, { ...o, seed: 50 });
    tf.dispose(r0);
    const real = realBatch(32, 2);
    const unroll = { steps: 3, secondOrder: true };
    const second = await unrolledAt(nets, optD, real, { ...o, unroll });
    const first = await unrolledAt(nets, optD, real, { ...o, unroll: { ...unroll, secondOrder: false } });
    expect(first.value).toBeCloseTo(second.value, 5);
    const norm = Math.sqrt(second.grads.reduce((s, g) => s + g.reduce((a, b) => a + b * b, 0), 0));
    const d = second.grads.map((g) => g.map((v) => v / norm));
    const dot = (gs: Float32Array[]): number => gs.reduce((s, g, i) => s + g.reduce((a, b, k) => a + b * d[i]![k]!, 0), 0);
    // Central difference of the unrolled loss along d (the second-order gradient's direction).
    const gVars = trainableVariables(nets.generator);
    const base = gVars.map((v) => v.clone());
    const h = 2e-3;
    const at = async (t: number): Promise<number> => {
      gVars.forEach((v, i) => v.assign(tf.tidy(() => tf.add(base[i]!, tf.mul(tf.tensor(d[i]!, v.shape), t)))));
      return (await unrolledAt(nets, optD, real, { ...o, unroll })).value;
    };
    const fd = ((await at(h)) - (await at(-h))) / (2 * h);
    gVars.forEach((v, i) => v.assign(base[i]!));
    tf.dispose(base);
    console.log(`${optimizer}, ${kind}: directional derivative ${fd.toFixed(5)}, second-order ${norm.toFixed(5)}, first-order ${dot(first.grads).toFixed(5)}`);
    expect(Math.abs(norm - fd)).toBeLessThan(0.01 * Math.abs(fd));
    expect(Math.abs(dot(first.grads) - fd)).toBeGreaterThan(0.1 * Math.abs(fd));
    tf.dispose(real);
    disposeGan(nets);
    optD.dispose();
    optG.dispose();
  });
});

describe('the tricks in training (wasm)', () => {
  type Setup = { template?: { minibatchStddev?: boolean; virtualBatchNorm?: boolean }; unroll?: { steps: number; secondOrder: boolean }; loss?: GanStepOptions['loss'] };
  it.each<[string, Setup]>([
    ['unrolled (second order)', { unroll: { steps: 3, secondOrder: true } }],
    ['unrolled (first order)', { unroll: { steps: 3, secondOrder: false } }],
    ['unrolled WGAN (clipped, second order)', { unroll: { steps: 2, secondOrder: true }, loss: 'wgan' }],
    ['unrolled WGAN-GP (second order)', { unroll: { steps: 2, secondOrder: true }, loss: 'wgan-gp' }],
    ['minibatch stddev', { template: { minibatchStddev: true } }],
    ['virtual batch norm', { template: { virtualBatchNorm: true } }],
    ['all three', { template: { minibatchStddev: true, virtualBatchNorm: true }, unroll: { steps: 2, secondOrder: true } }],
  ])('%s leaves no tensors behind per step', async (_name, setup) => {
    const nets = buildGan(ganTemplate('toy-mlp', [2], 2, setup.template ?? {}), [2], 2, 1, { referenceSize: 16 });
    const optD = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const optG = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const m = toyMixture('ring8');
    const step = async (i: number): Promise<void> => {
      const real = [tf.tensor2d(sampleToy(m, 16, i), [16, 2])];
      const r = await ganTrainStep(nets, optD, optG, real, { loss: setup.loss ?? 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: i, ...(setup.unroll ? { unroll: setup.unroll } : {}) });
      expect(Number.isFinite(r.gLoss) && Number.isFinite(r.gGradNorm)).toBe(true);
      tf.dispose(real);
    };
    await step(0); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 3; i++) await step(i);
    expect(tf.memory().numTensors).toBe(before);
    disposeGan(nets);
    optD.dispose();
    optG.dispose();
  });

  const ringRun = async (hyper: Partial<GanConfig['hyper']>, model: ModelDocument): Promise<RecordingSink> => {
    const sink = new RecordingSink();
    const r = await runGan({ config: config({ toy: 'ring8', epochs: 1, toyStepsPerEpoch: 10, batchSize: 32, sampleEverySteps: 5, ...hyper }), model, sink, isCancelled: () => false });
    expect(r.status).toBe('done');
    for (const k of ['d_loss', 'g_loss', 'd_real', 'd_fake', 'd_grad_norm', 'g_grad_norm'] as const) {
      expect(sink.values(k)).toHaveLength(10);
      expect(sink.values(k).every(Number.isFinite)).toBe(true);
    }
    for (const k of ['modes_covered', 'mode_distance', 'high_quality']) expect(sink.metrics.filter((p) => p.key === k).map((p) => p.step)).toEqual([0, 5, 10]);
    return sink;
  };
  const logged = (sink: RecordingSink, level: string, pattern: RegExp): boolean => sink.logs.some((l) => l.level === level && pattern.test(l.message));

  it.each(['second-order', 'first-order'] as const)('an unrolled GAN (%s) runs on the ring, records its curves and says so at the start', async (unrollGradient) => {
    const sink = await ringRun({ unrollSteps: 3, unrollGradient }, ganTemplate('toy-mlp', [2], 2));
    expect(logged(sink, 'info', new RegExp(`^Unrolled GAN \\(Metz et al\\. 2016\\).*advanced 3 more steps \\(its Adam update rule.*${unrollGradient === 'second-order' ? 'second order' : 'first order'}`))).toBe(true);
    expect(logged(sink, 'warn', /Unrolled/)).toBe(false);
  });

  it('minibatch stddev runs on the ring and says so; the switch without the layer warns', async () => {
    const sink = await ringRun({ minibatchStddev: true }, ganTemplate('toy-mlp', [2], 2, { minibatchStddev: true }));
    expect(logged(sink, 'info', /^Minibatch stddev \(Karras et al\. 2018\): the discriminator's layer 'mbstd' append/)).toBe(true);
    const bare = await ringRun({ minibatchStddev: true }, ganTemplate('toy-mlp', [2], 2));
    expect(logged(bare, 'warn', /minibatchStddev is on but the discriminator has no minibatchStddev layer/)).toBe(true);
  });

  it('virtual batch norm runs on the ring and says so; the switch without batch norms warns', async () => {
    const sink = await ringRun({ virtualBatchNorm: true }, ganTemplate('toy-mlp', [2], 2, { virtualBatchNorm: true }));
    expect(logged(sink, 'info', /^Virtual batch norm \(Salimans et al\. 2016\): the generator's layers 'hidden1_vbn', 'hidden2_vbn' normalise .* reference batch of 32 noise vectors/)).toBe(true);
    const bare = await ringRun({ virtualBatchNorm: true }, ganTemplate('toy-mlp', [2], 2));
    expect(logged(bare, 'warn', /virtualBatchNorm is on but the generator has no batch-norm layer/)).toBe(true);
    const plain = await ringRun({}, ganTemplate('toy-mlp', [2], 2));
    expect(plain.logs.some((l) => /Unrolled|Minibatch stddev|Virtual batch norm|minibatchStddev|virtualBatchNorm/.test(l.message))).toBe(false);
  });

  it('a DCGAN with all three tricks trains a couple of steps on a small MNIST subset', async () => {
    const data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 64, testSize: 10 });
    const sink = new RecordingSink();
    const hyper = { epochs: 1, batchSize: 32, latentDim: 16, evalSamples: 0, unrollSteps: 1, minibatchStddev: true, virtualBatchNorm: true };
    const r = await runGan({ config: ganConfigSchema.parse({ family: 'gan', architecture: { template: 'dcgan' }, hyper }), model: ganTemplate('dcgan', [28, 28, 1], 16, { minibatchStddev: true, virtualBatchNorm: true }), sink, isCancelled: () => false, dataset: data });
    expect(r.status).toBe('done');
    expect(sink.values('g_loss')).toHaveLength(2);
    expect(sink.values('g_loss').every(Number.isFinite)).toBe(true);
    const tricks = sink.logs.filter((l) => /Unrolled|Minibatch stddev|Virtual batch norm/.test(l.message)).map((l) => `${l.level}: ${l.message}`);
    console.log(tricks.join('\n'));
    expect(logged(sink, 'info', /^Minibatch stddev/)).toBe(true);
    expect(logged(sink, 'info', /^Virtual batch norm.*'bn0', 'bn1'/)).toBe(true);
    expect(logged(sink, 'info', /^Unrolled GAN/)).toBe(true);
  });
});

describe('second order through a fused elu', () => {
  // D: 2 → dense 32 elu (the activation fused into the dense kernel) → 1. tfjs loses elu's second derivative there.
  const eluModel = (): ModelDocument => {
    const base = ganTemplate('toy-mlp', [2], 2);
    const discriminator = chain('Toy D with a fused elu', [inputLayer([2]), { id: 'h', kind: 'dense', label: 'Dense 32 elu', params: { units: 32, activation: 'elu' } }, { id: 'logit', kind: 'dense', label: 'Dense 1', params: { units: 1, activation: 'linear' } }]);
    return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: 'elu critic', parts: { generator: base.parts['generator']!, discriminator } };
  };

  it('the second derivative of a separate elu is right: exp(x) below 0, 0 above', () => {
    ensureHigherOrderGradients();
    const d2 = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(tf.elu(y)))(x)))(tf.tensor1d([-0.5, -2, 0.7])).dataSync()));
    expect(d2[0]).toBeCloseTo(Math.exp(-0.5), 5);
    expect(d2[1]).toBeCloseTo(Math.exp(-2), 5);
    expect(d2[2]).toBeCloseTo(0, 6);
  });

  it('WGAN-GP refuses it with a message naming the layer and what to do', async () => {
    const sink = new RecordingSink();
    await expect(runGan({ config: config({ toy: 'ring8', loss: 'wgan-gp', epochs: 1, toyStepsPerEpoch: 2, batchSize: 16 }), model: eluModel(), sink, isCancelled: () => false }))
      .rejects.toThrow(/layer 'h' has a built-in elu activation.*own activation layer.*'wgan' loss/);
  });

  it('a second-order unrolled GAN falls back to first order and says why; an elu in its own layer is fine', async () => {
    const sink = new RecordingSink();
    const r = await runGan({ config: config({ toy: 'ring8', unrollSteps: 2, epochs: 1, toyStepsPerEpoch: 3, batchSize: 16 }), model: eluModel(), sink, isCancelled: () => false });
    expect(r.status).toBe('done');
    expect(sink.logs.some((l) => l.level === 'warn' && /layer 'h' has a built-in elu activation.*first-order approximation/.test(l.message))).toBe(true);
    const separate = eluModel();
    separate.parts['discriminator'] = chain('Toy D with an elu layer', [inputLayer([2]), { id: 'h', kind: 'dense', label: 'Dense 32', params: { units: 32, activation: 'linear' } }, { id: 'act', kind: 'activation', label: 'ELU', params: { activation: 'elu' } }, { id: 'logit', kind: 'dense', label: 'Dense 1', params: { units: 1, activation: 'linear' } }]);
    const sink2 = new RecordingSink();
    await runGan({ config: config({ toy: 'ring8', loss: 'wgan-gp', epochs: 1, toyStepsPerEpoch: 2, batchSize: 16 }), model: separate, sink: sink2, isCancelled: () => false });
    expect(sink2.values('gradient_penalty').length).toBe(2);
  });
});
