/**
 * The GAN's contract: what the generator and the discriminator must map to
 * what, for unconditional, cGAN and AC-GAN models. Checked the same way in
 * the services, the worker and the editor.
 */
import type { GraphError, ModelDocument, Shape, ShapeReport } from '../../graph';
import { fmt, same } from '../../partContracts';
import { inferShapes } from '../../shapes';
import type { GanConditioning } from './config';
import { GAN_DATA_INPUT, GAN_LABEL_INPUT, GAN_NOISE_INPUT } from './templates';

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
      return [{ code: 'bad-output', part, nodeId: have[1]?.nodeId, message: `${part}: has ${have.length} inputs (${list(have)}) but takes only ${w.what} ${fmt(w.shape)}${why}`, hint: `Keep one input node, of shape ${fmt(w.shape)}` }];
    }
    if (!same(have[0]!.shape, w.shape)) {
      return [{ code: 'bad-output', part, nodeId: have[0]!.nodeId, message: `${part}: input is ${fmt(have[0]!.shape)} but ${w.what} is ${fmt(w.shape)}`, hint: `Set the ${part}'s input shape to ${fmt(w.shape)}` }];
    }
    return [];
  }
  const errors: GraphError[] = [];
  const wanted = `${want.map((w) => `${w.what} named '${w.name}' ${fmt(w.shape)}`).join(' and ')}`;
  for (const w of want) {
    const got = have.find((i) => i.name === w.name);
    if (!got) {
      errors.push({
        code: 'bad-output', part, nodeId: have[0]?.nodeId,
        message: `${part}: has no input named '${w.name}' (it has ${have.length ? list(have) : 'none'}); a conditional ${part} takes ${wanted}${why}`,
        hint: `Add an input node with params { "name": "${w.name}", "shape": ${JSON.stringify(w.shape)} }${w.name === GAN_LABEL_INPUT ? ` and join it to the network with a concat layer` : `, or set the 'name' of the ${w.what} input to '${w.name}'`}`,
      });
    } else if (!same(got.shape, w.shape)) {
      errors.push({ code: 'bad-output', part, nodeId: got.nodeId, message: `${part}: input '${w.name}' is ${fmt(got.shape)} but ${w.what} is ${fmt(w.shape)}`, hint: `Set the shape of input '${w.name}' to ${fmt(w.shape)}` });
    }
  }
  const extra = have.filter((i) => !want.some((w) => w.name === i.name));
  if (extra.length > 0) {
    errors.push({ code: 'bad-output', part, nodeId: extra[0]!.nodeId, message: `${part}: unexpected input${extra.length > 1 ? 's' : ''} ${list(extra)}; it takes ${wanted}`, hint: 'Delete the extra input nodes' });
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
  errors.push(...gen.errors.map((e) => ({ ...e, part: 'generator', message: `generator: ${e.message}` })));
  errors.push(...dis.errors.map((e) => ({ ...e, part: 'discriminator', message: `discriminator: ${e.message}` })));
  if (errors.length > 0) return errors;
  const C = classes ?? 0;
  const noise: InputSpec = { name: GAN_NOISE_INPUT, shape: [c.latentDim], what: 'the noise' };
  const label: InputSpec = { name: GAN_LABEL_INPUT, shape: [C], what: `the one-hot label (${C} classes)` };
  const data: InputSpec = { name: GAN_DATA_INPUT, shape: c.dataShape, what: 'the data' };
  const gWhy = conditioning === 'none' ? ' (conditioning is none)' : '';
  errors.push(...checkInputs('generator', gen, conditioning === 'none' ? [noise] : [noise, label], gWhy));
  if (!same(gen.outputShape, c.dataShape)) {
    errors.push({ code: 'bad-output', part: 'generator', nodeId: gen.outputNodeId, message: `generator: outputs ${fmt(gen.outputShape)} but must output one example ${fmt(c.dataShape)}`, hint: c.dataShape.length > 1 ? `End the generator with a reshape to ${fmt(c.dataShape)}` : `End the generator with a dense layer of ${c.dataShape[0]} units` });
  }
  const dWhy = conditioning === 'acgan' ? ' (an AC-GAN discriminator predicts the class instead of being told it)' : conditioning === 'none' ? ' (conditioning is none)' : '';
  errors.push(...checkInputs('discriminator', dis, conditioning === 'cgan' ? [data, label] : [data], dWhy));
  const dOut = conditioning === 'acgan' ? 1 + C : 1;
  if (!same(dis.outputShape, [dOut])) {
    errors.push(conditioning === 'acgan'
      ? { code: 'bad-output', part: 'discriminator', nodeId: dis.outputNodeId, message: `discriminator: outputs ${fmt(dis.outputShape)} but an AC-GAN discriminator must output [${dOut}]: the source logit, then ${C} class logits`, hint: `End the discriminator with a dense layer of ${dOut} linear units` }
      : { code: 'bad-output', part: 'discriminator', nodeId: dis.outputNodeId, message: `discriminator: outputs ${fmt(dis.outputShape)} but must output one logit ([1])`, hint: 'End the discriminator with a dense layer of 1 linear unit' });
  }
  return errors;
}
