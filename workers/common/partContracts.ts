/**
 * The fixed contracts of multi-part models: what each part must map to what.
 * Checked the same way in the services (before a run is queued), the worker
 * (before it compiles) and, later, the editor.
 */
import type { GraphError, ModelDocument, Shape, ShapeReport } from './graph';
import { GAN_DATA_INPUT, GAN_LABEL_INPUT, GAN_NOISE_INPUT } from './ganTemplates';
import type { GanConditioning } from './runConfig';
import { checkClassifierOutput, checkSingleInput, inferShapes } from './shapes';

export interface EncoderDecoderContract {
  /** Shape of one example (the dataset's). */
  inputShape: Shape;
  latentDim: number;
  /** What the encoder outputs: the code itself (latentDim) or μ and log σ² (2·latentDim). */
  encoderOutputDim: number;
}

const same = (a: Shape | undefined, b: Shape): boolean => a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (s: Shape | undefined): string => (s ? `[${s.join(', ')}]` : '[?]');

export interface ClassifierContract {
  /** Shape of one example (the dataset's). */
  inputShape: Shape;
  numClasses: number;
}

/**
 * Errors of a classifier graph: its own, then (when it has none) an output
 * that is not numClasses probabilities, more than one input, or an input
 * that is not the data's shape. The services, the worker and the editor
 * all check a classifier with this.
 */
export function checkClassifier(report: ShapeReport, c: ClassifierContract): GraphError[] {
  if (!report.ok) return [...report.errors];
  const errors = [checkClassifierOutput(report, c.numClasses), checkSingleInput(report, 'A classifier')].filter((e): e is GraphError => e !== undefined);
  const input = report.inputs[0];
  if (input && !same(input.shape, c.inputShape)) {
    errors.push({
      code: 'shape-mismatch', nodeId: input.nodeId,
      message: `The input node takes ${fmt(input.shape)} but the dataset's examples are ${fmt(c.inputShape)}`,
      hint: `Set the input shape to ${fmt(c.inputShape)}`,
    });
  }
  return errors;
}

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
  for (const [what, report] of [['The encoder', enc], ['The decoder', dec]] as const) {
    const e = checkSingleInput(report, what);
    if (e) errors.push(e);
  }
  if (errors.length > 0) return errors;
  const encIn = enc.inputs[0]?.shape;
  if (!same(encIn, c.inputShape)) {
    errors.push({ code: 'bad-output', nodeId: enc.nodes[0]?.nodeId, message: `encoder: input is ${fmt(encIn)} but the data is ${fmt(c.inputShape)}`, hint: `Set the encoder's input shape to ${fmt(c.inputShape)}` });
  }
  if (!same(enc.outputShape, [c.encoderOutputDim])) {
    const what = c.encoderOutputDim === c.latentDim ? `the code ([${c.latentDim}])` : `μ and log σ² ([${c.encoderOutputDim}] = 2 × latentDim ${c.latentDim})`;
    errors.push({ code: 'bad-output', nodeId: enc.outputNodeId, message: `encoder: outputs ${fmt(enc.outputShape)} but must output ${what}`, hint: `End the encoder with a dense layer of ${c.encoderOutputDim} linear units` });
  }
  const decIn = dec.inputs[0]?.shape;
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
  /** Class-conditional GAN ('none' when omitted). */
  conditioning?: GanConditioning;
  /** Classes of the one-hot label: required when conditioning is on. */
  numClasses?: number;
}

/** One named input the contract asks a part for. */
interface InputSpec { name: string; shape: Shape; what: string }

/**
 * A part's inputs against the contract: exactly `want` (by role name when
 * there are several; a single input may have any name), each of its shape.
 */
function checkInputs(part: 'generator' | 'discriminator', report: ShapeReport, want: readonly InputSpec[], why: string): GraphError[] {
  const have = report.inputs;
  const list = (xs: readonly { name: string; shape: Shape }[]): string => xs.map((i) => `'${i.name}' ${fmt(i.shape)}`).join(', ');
  if (want.length === 1) {
    const w = want[0]!;
    if (have.length !== 1) {
      return [{ code: 'bad-output', nodeId: have[1]?.nodeId, message: `${part}: has ${have.length} inputs (${list(have)}) but takes only ${w.what} ${fmt(w.shape)}${why}`, hint: `Keep one input node, of shape ${fmt(w.shape)}` }];
    }
    if (!same(have[0]!.shape, w.shape)) {
      return [{ code: 'bad-output', nodeId: have[0]!.nodeId, message: `${part}: input is ${fmt(have[0]!.shape)} but ${w.what} is ${fmt(w.shape)}`, hint: `Set the ${part}'s input shape to ${fmt(w.shape)}` }];
    }
    return [];
  }
  const errors: GraphError[] = [];
  const wanted = `${want.map((w) => `${w.what} named '${w.name}' ${fmt(w.shape)}`).join(' and ')}`;
  for (const w of want) {
    const got = have.find((i) => i.name === w.name);
    if (!got) {
      errors.push({
        code: 'bad-output', nodeId: have[0]?.nodeId,
        message: `${part}: has no input named '${w.name}' (it has ${have.length ? list(have) : 'none'}); a conditional ${part} takes ${wanted}${why}`,
        hint: `Add an input node with params { "name": "${w.name}", "shape": ${JSON.stringify(w.shape)} }${w.name === GAN_LABEL_INPUT ? ` and join it to the network with a concat layer` : `, or set the 'name' of the ${w.what} input to '${w.name}'`}`,
      });
    } else if (!same(got.shape, w.shape)) {
      errors.push({ code: 'bad-output', nodeId: got.nodeId, message: `${part}: input '${w.name}' is ${fmt(got.shape)} but ${w.what} is ${fmt(w.shape)}`, hint: `Set the shape of input '${w.name}' to ${fmt(w.shape)}` });
    }
  }
  const extra = have.filter((i) => !want.some((w) => w.name === i.name));
  if (extra.length > 0) {
    errors.push({ code: 'bad-output', nodeId: extra[0]!.nodeId, message: `${part}: unexpected input${extra.length > 1 ? 's' : ''} ${list(extra)}; it takes ${wanted}`, hint: 'Delete the extra input nodes' });
  }
  return errors;
}

/**
 * Errors of a generator/discriminator model: each part's own, then the
 * contract's. Unconditional: G [latentDim] → data, D data → [1]. Conditional
 * (numClasses C): G takes 'z' [latentDim] and 'y' [C] → data; 'cgan' D takes
 * 'x' (data) and 'y' [C] → [1]; 'acgan' D takes the data alone → [1 + C]
 * (the source logit, then the class logits).
 */
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
  const conditioning = c.conditioning ?? 'none';
  const classes = c.numClasses;
  if (conditioning !== 'none' && (classes === undefined || !Number.isInteger(classes) || classes < 2)) {
    errors.push({ code: 'bad-output', message: `A conditional GAN (${conditioning}) needs a dataset with at least 2 classes, got ${classes ?? 'none'}`, hint: 'Train a conditional GAN on a labelled image dataset' });
  }
  if (errors.length > 0) return errors;
  const gen = inferShapes(model.parts['generator']!);
  const dis = inferShapes(model.parts['discriminator']!);
  errors.push(...gen.errors.map((e) => ({ ...e, message: `generator: ${e.message}` })));
  errors.push(...dis.errors.map((e) => ({ ...e, message: `discriminator: ${e.message}` })));
  if (errors.length > 0) return errors;
  const C = classes ?? 0;
  const noise: InputSpec = { name: GAN_NOISE_INPUT, shape: [c.latentDim], what: 'the noise' };
  const label: InputSpec = { name: GAN_LABEL_INPUT, shape: [C], what: `the one-hot label (${C} classes)` };
  const data: InputSpec = { name: GAN_DATA_INPUT, shape: c.dataShape, what: 'the data' };
  const gWhy = conditioning === 'none' ? ' (conditioning is none)' : '';
  errors.push(...checkInputs('generator', gen, conditioning === 'none' ? [noise] : [noise, label], gWhy));
  if (!same(gen.outputShape, c.dataShape)) {
    errors.push({ code: 'bad-output', nodeId: gen.outputNodeId, message: `generator: outputs ${fmt(gen.outputShape)} but must output one example ${fmt(c.dataShape)}`, hint: c.dataShape.length > 1 ? `End the generator with a reshape to ${fmt(c.dataShape)}` : `End the generator with a dense layer of ${c.dataShape[0]} units` });
  }
  const dWhy = conditioning === 'acgan' ? ' (an AC-GAN discriminator predicts the class instead of being told it)' : conditioning === 'none' ? ' (conditioning is none)' : '';
  errors.push(...checkInputs('discriminator', dis, conditioning === 'cgan' ? [data, label] : [data], dWhy));
  const dOut = conditioning === 'acgan' ? 1 + C : 1;
  if (!same(dis.outputShape, [dOut])) {
    errors.push(conditioning === 'acgan'
      ? { code: 'bad-output', nodeId: dis.outputNodeId, message: `discriminator: outputs ${fmt(dis.outputShape)} but an AC-GAN discriminator must output [${dOut}]: the source logit, then ${C} class logits`, hint: `End the discriminator with a dense layer of ${dOut} linear units` }
      : { code: 'bad-output', nodeId: dis.outputNodeId, message: `discriminator: outputs ${fmt(dis.outputShape)} but must output one logit ([1])`, hint: 'End the discriminator with a dense layer of 1 linear unit' });
  }
  return errors;
}
