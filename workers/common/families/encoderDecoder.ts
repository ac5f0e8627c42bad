/**
 * The network of an encoder/decoder family (autoencoders, VAEs): parts
 * 'encoder' (one example → what the encoder outputs) and 'decoder' (the code
 * → one example). Shared by the families' descriptors.
 */
import type { Architecture, GraphDocument, ModelDocument } from '../graph';
import { isModelDocument } from '../graph';
import { checkEncoderDecoder } from '../partContracts';
import { inferShapes } from '../shapes';
import type { ContractContext, FamilyNetwork } from './descriptor';


export interface EncoderDecoderOptions<C> {
  templates: readonly string[];
  defaultLatentDim: number;
  /** What the encoder outputs for a latent size (the code itself, or μ and log σ²). */
  encoderOutputDim(latentDim: number): number;
  latentDimOf(config: C): number;
  template(name: string, contract: ContractContext): ModelDocument;
  encoderLine(contract: ContractContext): string;
  decoderLine(contract: ContractContext): string;
}

export function encoderDecoderNetwork<C>(o: EncoderDecoderOptions<C>): FamilyNetwork<C> {
  return {
    parts: ['encoder', 'decoder'],
    templates: o.templates,
    editorTemplates: o.templates,
    hasLatent: true,
    contractChoices: [],
    defaultLatentDim: o.defaultLatentDim,
    contractFor: (config, data) => ({ inputShape: [...data.inputShape], numClasses: data.numClasses, latentDim: o.latentDimOf(config), choices: {} }),
    template: (name, contract) => o.template(name, contract),
    check: (a: Architecture, c) => {
      if (!isModelDocument(a)) return [{ code: 'bad-output', message: 'An encoder/decoder family trains a model with an encoder and a decoder part, not a single graph', hint: 'Use a model document (format "latent-model") with the parts "encoder" and "decoder"' }];
      return checkEncoderDecoder(a, { inputShape: [...c.inputShape], latentDim: c.latentDim, encoderOutputDim: o.encoderOutputDim(c.latentDim) });
    },
    contractLines: (c) => ({ encoder: o.encoderLine(c), decoder: o.decoderLine(c) }),
    inferContract: (parts: Readonly<Record<string, GraphDocument>>, base) => {
      const c: ContractContext = { ...base, inputShape: [...base.inputShape] };
      const enc = parts['encoder'] ? inferShapes(parts['encoder']).inputs[0] : undefined;
      if (enc) c.inputShape = [...enc.shape];
      const z = parts['decoder'] ? inferShapes(parts['decoder']).inputs[0] : undefined;
      if (z?.shape.length === 1) c.latentDim = z.shape[0]!;
      return c;
    },
  };
}

