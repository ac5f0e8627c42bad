/**
 * The fixed contracts of multi-part models: what each part must map to what.
 * Checked the same way in the services (before a run is queued), the worker
 * (before it compiles) and, later, the editor.
 */
import type { GraphError, ModelDocument, Shape, ShapeReport } from './graph';
import { checkClassifierOutput, checkSingleInput, inferShapes } from './shapes';

export interface EncoderDecoderContract {
  /** Shape of one example (the dataset's). */
  inputShape: Shape;
  latentDim: number;
  /** What the encoder outputs: the code itself (latentDim) or μ and log σ² (2·latentDim). */
  encoderOutputDim: number;
}

export const same = (a: Shape | undefined, b: Shape): boolean => a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
export const fmt = (s: Shape | undefined): string => (s ? `[${s.join(', ')}]` : '[?]');

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
  errors.push(...enc.errors.map((e) => ({ ...e, part: 'encoder', message: `encoder: ${e.message}` })));
  errors.push(...dec.errors.map((e) => ({ ...e, part: 'decoder', message: `decoder: ${e.message}` })));
  if (errors.length > 0) return errors;
  for (const [part, what, report] of [['encoder', 'The encoder', enc], ['decoder', 'The decoder', dec]] as const) {
    const e = checkSingleInput(report, what);
    if (e) errors.push({ ...e, part });
  }
  if (errors.length > 0) return errors;
  const encIn = enc.inputs[0]?.shape;
  if (!same(encIn, c.inputShape)) {
    errors.push({ code: 'bad-output', part: 'encoder', nodeId: enc.nodes[0]?.nodeId, message: `encoder: input is ${fmt(encIn)} but the data is ${fmt(c.inputShape)}`, hint: `Set the encoder's input shape to ${fmt(c.inputShape)}` });
  }
  if (!same(enc.outputShape, [c.encoderOutputDim])) {
    const what = c.encoderOutputDim === c.latentDim ? `the code ([${c.latentDim}])` : `μ and log σ² ([${c.encoderOutputDim}] = 2 × latentDim ${c.latentDim})`;
    errors.push({ code: 'bad-output', part: 'encoder', nodeId: enc.outputNodeId, message: `encoder: outputs ${fmt(enc.outputShape)} but must output ${what}`, hint: `End the encoder with a dense layer of ${c.encoderOutputDim} linear units` });
  }
  const decIn = dec.inputs[0]?.shape;
  if (!same(decIn, [c.latentDim])) {
    errors.push({ code: 'bad-output', part: 'decoder', nodeId: dec.nodes[0]?.nodeId, message: `decoder: input is ${fmt(decIn)} but the code is [${c.latentDim}]`, hint: `Set the decoder's input shape to [${c.latentDim}]` });
  }
  if (!same(dec.outputShape, c.inputShape)) {
    errors.push({ code: 'bad-output', part: 'decoder', nodeId: dec.outputNodeId, message: `decoder: outputs ${fmt(dec.outputShape)} but must output an image ${fmt(c.inputShape)}`, hint: `End the decoder with a reshape to ${fmt(c.inputShape)}` });
  }
  return errors;
}
