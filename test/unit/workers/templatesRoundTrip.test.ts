/**
 * Every template the app ships, both ways: each part validates with no
 * errors in shapes.ts AND compiles with compileGraph, with tf's countParams()
 * equal to the report's totalParams and the inferred output shapes (of the
 * model and of every layer) equal to tf's.
 *
 * The family tests check subsets of this along with their contracts
 * (autoencoderShapes: the AE templates; ganTricks / ganConditional: GAN
 * options; compileGraph: the classifiers); this is the whole matrix in one
 * place, including the VAE templates and every GAN template × conditioning
 * × minibatchStddev × virtualBatchNorm combination.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { architectureParts, type Architecture, type GraphDocument } from '../../../workers/common/graph';
import { validateGraph } from '../../../workers/common/shapes';
import { classifierTemplate, classifierTemplates } from '../../../workers/common/families/classifier/templates';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';

function expectBothWays(doc: GraphDocument, part: string): void {
  const { doc: parsed, report } = validateGraph(doc);
  expect(report.errors, part).toEqual([]);
  expect(parsed, part).toBeDefined();
  const model = compileGraph(parsed!, { seed: 1 });
  try {
    expect(model.countParams(), part).toBe(report.totalParams);
    expect(model.outputs[0]!.shape, part).toEqual([null, ...report.outputShape!]);
    expect(model.inputs.map((i) => i.shape.slice(1)), part).toEqual(report.inputs.map((i) => i.shape));
    const layerNames = new Set(model.layers.map((l) => l.name));
    for (const n of report.nodes) {
      // Rank-1 flattens compile to nothing (the tensor is already flat).
      if (n.kind === 'input' || !layerNames.has(n.nodeId)) {
        expect(n.kind === 'input' || n.kind === 'flatten', `${part}: no layer for '${n.nodeId}'`).toBe(true);
        continue;
      }
      expect(model.getLayer(n.nodeId).outputShape, `${part}/${n.nodeId}`).toEqual([null, ...n.outputShape]);
    }
    const perNode = report.nodes.reduce((a, n) => a + n.paramCount, 0);
    expect(perNode).toBe(report.totalParams);
  } finally {
    model.dispose();
  }
}

function expectArchitecture(arch: Architecture, name: string): void {
  for (const [part, doc] of Object.entries(architectureParts(arch))) expectBothWays(doc, `${name}/${part}`);
}

describe('every template validates and compiles with tf\'s parameter counts and shapes', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  for (const name of ['mlp', 'lenet'] as const) {
    it(`classifier ${name} (MNIST, and adapted to 32×32×3 with 7 classes)`, () => {
      expectArchitecture(classifierTemplates[name], name);
      expectArchitecture(classifierTemplate(name, [32, 32, 3], 7), `${name} 32×32×3`);
    });
  }

  for (const name of ['mlp', 'deep', 'conv'] as const) {
    it(`autoencoder ${name}`, () => {
      for (const latentDim of [2, 16]) expectArchitecture(autoencoderTemplate(name, [28, 28, 1], latentDim), `ae ${name} ${latentDim}`);
    });
  }

  for (const name of ['mlp', 'conv'] as const) {
    it(`vae ${name}`, () => {
      for (const latentDim of [2, 16]) expectArchitecture(vaeTemplate(name, [28, 28, 1], latentDim), `vae ${name} ${latentDim}`);
      if (name === 'conv') expectArchitecture(vaeTemplate(name, [32, 32, 3], 8), 'vae conv 32×32×3');
    });
  }

  const flags = [false, true] as const;
  for (const name of ['mlp', 'dcgan', 'toy-mlp'] as const) {
    const shapes: number[][] = name === 'toy-mlp' ? [[2]] : name === 'mlp' ? [[28, 28, 1], [2]] : [[28, 28, 1]];
    // toy-mlp has no conditional variant (the 2-D toys have no labels).
    for (const conditioning of name === 'toy-mlp' ? (['none'] as const) : (['none', 'cgan', 'acgan'] as const)) {
      it(`gan ${name}, conditioning ${conditioning}, every minibatchStddev × virtualBatchNorm option`, () => {
        for (const shape of shapes) {
          for (const minibatchStddev of flags) {
            for (const virtualBatchNorm of flags) {
              const options = { conditioning, numClasses: 10, minibatchStddev, virtualBatchNorm };
              expectArchitecture(ganTemplate(name, shape, 16, options), `gan ${name} [${shape.join(', ')}] ${JSON.stringify(options)}`);
            }
          }
        }
      });
    }
  }
});
