/**
 * The fixed contracts of multi-part models: what each part must map to what.
 * Checked the same way in the services (before a run is queued), the worker
 * (before it compiles) and, later, the editor.
 */
import type { GraphError, ModelDocument, Shape } from './graph';
import { inferShapes } from './shapes';

export interface EncoderDecoderContract {
  /** Shape of one example (the dataset's). */
  inputShape: Shape;
  latentDim: number;
  /** What the encoder outputs: the code itself (latentDim) or μ and log σ² (2·latentDim). */
  encoderOutputDim: number;
}

const same = (a: Shape | undefined, b: Shape): boolean => a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (s: Shape | undefined): string => (s ? `[${s.join(', ')}]` : '[?]');

/** Errors of an encoder/decoder model: each part's own, then the contract's. */
export function checkEncoderDecoder(model: ModelDocument, c: EncoderDecoderContract): GraphError[] {
  const errors: GraphError[] = [];
  for (const name of ['encoder', 'decoder']) {
    if (!model.parts[name]) {
      errors.push({ code: 'bad-output', message: `The model "${model.name}" has no ${name} part`, hint: `Add a part named "${name}"` });
    }
  }
  for (const name of Object.keys(model.parts)) {
    if (name !== 'encoder' && name !== 'decoder') {
      errors.push({ code: 'bad-output', message: `Unexpected part "${name}"`, hint: 'An autoencoder or VAE has exactly the parts "encoder" and "decoder"' });
    }
  }
  if (errors.length > 0) return errors;
  const enc = inferShapes(model.parts['encoder']!);
  const dec = inferShapes(model.parts['decoder']!);
  errors.push(...enc.errors.map((e) => ({ ...e, message: `encoder: ${e.message}` })));
  errors.push(...dec.errors.map((e) => ({ ...e, message: `decoder: ${e.message}` })));
  if (errors.length > 0) return errors;
  const encIn = enc.nodes[0]?.outputShape;
  if (!same(encIn, c.inputShape)) {
    errors.push({ code: 'bad-output', nodeId: enc.nodes[0]?.nodeId, message: `encoder: input is ${fmt(encIn)} but the data is ${fmt(c.inputShape)}`, hint: `Set the encoder's input shape to ${fmt(c.inputShape)}` });
  }
  if (!same(enc.outputShape, [c.encoderOutputDim])) {
    const what = c.encoderOutputDim === c.latentDim ? `the code ([${c.latentDim}])` : `μ and log σ² ([${c.encoderOutputDim}] = 2 × latentDim ${c.latentDim})`;
    errors.push({ code: 'bad-output', nodeId: enc.outputNodeId, message: `encoder: outputs ${fmt(enc.outputShape)} but must output ${what}`, hint: `End the encoder with a dense layer of ${c.encoderOutputDim} linear units` });
  }
  const decIn = dec.nodes[0]?.outputShape;
  if (!same(decIn, [c.latentDim])) {
    errors.push({ code: 'bad-output', nodeId: dec.nodes[0]?.nodeId, message: `decoder: input is ${fmt(decIn)} but the code is [${c.latentDim}]`, hint: `Set the decoder's input shape to [${c.latentDim}]` });
  }
  if (!same(dec.outputShape, c.inputShape)) {
    errors.push({ code: 'bad-output', nodeId: dec.outputNodeId, message: `decoder: outputs ${fmt(dec.outputShape)} but must output an image ${fmt(c.inputShape)}`, hint: `End the decoder with a reshape to ${fmt(c.inputShape)}` });
  }
  return errors;
}

export interface GeneratorDiscriminatorContract {
  /** Shape of one data example (the dataset's, or [2] for the 2-D toys). */
  dataShape: Shape;
  latentDim: number;
}

/** Errors of a generator/discriminator model: each part's own, then the contract's (G: [latentDim] → data, D: data → [1]). */
export function checkGeneratorDiscriminator(model: ModelDocument, c: GeneratorDiscriminatorContract): GraphError[] {
  const errors: GraphError[] = [];
  for (const name of ['generator', 'discriminator']) {
    if (!model.parts[name]) {
      errors.push({ code: 'bad-output', message: `The model "${model.name}" has no ${name} part`, hint: `Add a part named "${name}"` });
    }
  }
  for (const name of Object.keys(model.parts)) {
    if (name !== 'generator' && name !== 'discriminator') {
      errors.push({ code: 'bad-output', message: `Unexpected part "${name}"`, hint: 'A GAN has exactly the parts "generator" and "discriminator"' });
    }
  }
  if (errors.length > 0) return errors;
  const gen = inferShapes(model.parts['generator']!);
  const dis = inferShapes(model.parts['discriminator']!);
  errors.push(...gen.errors.map((e) => ({ ...e, message: `generator: ${e.message}` })));
  errors.push(...dis.errors.map((e) => ({ ...e, message: `discriminator: ${e.message}` })));
  if (errors.length > 0) return errors;
  const genIn = gen.nodes[0]?.outputShape;
  if (!same(genIn, [c.latentDim])) {
    errors.push({ code: 'bad-output', nodeId: gen.nodes[0]?.nodeId, message: `generator: input is ${fmt(genIn)} but the noise is [${c.latentDim}]`, hint: `Set the generator's input shape to [${c.latentDim}]` });
  }
  if (!same(gen.outputShape, c.dataShape)) {
    errors.push({ code: 'bad-output', nodeId: gen.outputNodeId, message: `generator: outputs ${fmt(gen.outputShape)} but must output one example ${fmt(c.dataShape)}`, hint: c.dataShape.length > 1 ? `End the generator with a reshape to ${fmt(c.dataShape)}` : `End the generator with a dense layer of ${c.dataShape[0]} units` });
  }
  const disIn = dis.nodes[0]?.outputShape;
  if (!same(disIn, c.dataShape)) {
    errors.push({ code: 'bad-output', nodeId: dis.nodes[0]?.nodeId, message: `discriminator: input is ${fmt(disIn)} but the data is ${fmt(c.dataShape)}`, hint: `Set the discriminator's input shape to ${fmt(c.dataShape)}` });
  }
  if (!same(dis.outputShape, [1])) {
    errors.push({ code: 'bad-output', nodeId: dis.outputNodeId, message: `discriminator: outputs ${fmt(dis.outputShape)} but must output one logit ([1])`, hint: 'End the discriminator with a dense layer of 1 linear unit' });
  }
  return errors;
}
