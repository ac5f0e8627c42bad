/**
 * What the editor edits per family: the parts (one graph, or encoder/decoder,
 * or generator/discriminator), their templates, the fixed contract between
 * the parts and the data, shown in words and checked with the very functions
 * the services run before a run is queued (partContracts.ts, shapes.ts).
 */
import {
  GRAPH_FORMAT, GRAPH_VERSION, MODEL_FORMAT, isModelDocument,
  type Architecture, type GraphDocument, type GraphError, type ModelDocument, type Shape,
} from '../../../workers/common/graph';
import { inferShapes } from '../../../workers/common/shapes';
import { checkClassifier, checkEncoderDecoder } from '../../../workers/common/partContracts';
import { checkGeneratorDiscriminator } from '../../../workers/common/families/gan/contract';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import {
  autoencoderTemplateSchema, classifierTemplateSchema, ganTemplateSchema, vaeTemplateSchema,
  type AutoencoderTemplate, type ClassifierTemplate, type GanConditioning, type GanTemplate, type VaeTemplate,
} from '../../../workers/common/runConfig';

/** The families whose networks the editor draws (PCA has none). */
export const editorFamilies = ['classifier', 'autoencoder', 'vae', 'gan'] as const;
export type EditorFamily = (typeof editorFamilies)[number];

export function isEditorFamily(v: unknown): v is EditorFamily {
  return typeof v === 'string' && (editorFamilies as readonly string[]).includes(v);
}

export const editorFamilyLabels: Readonly<Record<EditorFamily, string>> = {
  classifier: 'Classifier',
  autoencoder: 'Autoencoder',
  vae: 'Variational autoencoder',
  gan: 'GAN',
};

/** Part names of a family's model; a classifier is the single part 'model'. */
export const familyParts: Readonly<Record<EditorFamily, readonly string[]>> = {
  classifier: ['model'],
  autoencoder: ['encoder', 'decoder'],
  vae: ['encoder', 'decoder'],
  gan: ['generator', 'discriminator'],
};

/** What the contract is checked against: the data and the family's sizes. */
export interface ContractContext {
  inputShape: Shape;
  numClasses: number;
  latentDim: number;
  conditioning: GanConditioning;
}

export const defaultContract: ContractContext = { inputShape: [28, 28, 1], numClasses: 10, latentDim: 20, conditioning: 'none' };

export interface EditorArchitecture {
  family: EditorFamily;
  name: string;
  parts: Record<string, GraphDocument>;
}

export const familyTemplates: Readonly<Record<EditorFamily, readonly string[]>> = {
  classifier: classifierTemplateSchema.options,
  autoencoder: autoencoderTemplateSchema.options,
  vae: vaeTemplateSchema.options,
  gan: ganTemplateSchema.options.filter((t) => t !== 'toy-mlp'),
};

/** The template name of an empty canvas (every part without layers). */
export const BLANK_TEMPLATE = 'blank';

/** A fresh architecture from one of the family's default templates (or blank), for the context's data. */
export function templateArchitecture(family: EditorFamily, template: string, c: ContractContext): EditorArchitecture {
  const shape = [...c.inputShape];
  if (template === BLANK_TEMPLATE) {
    const name = `New ${editorFamilyLabels[family].toLowerCase()}`;
    return { family, name, parts: Object.fromEntries(familyParts[family].map((p) => [p, { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: p, nodes: [], edges: [] }])) };
  }
  switch (family) {
    case 'classifier': {
      const g = classifierTemplate(template as ClassifierTemplate, shape, c.numClasses);
      return { family, name: g.name, parts: { model: g } };
    }
    case 'autoencoder':
      return fromModel(family, autoencoderTemplate(template as AutoencoderTemplate, shape, c.latentDim));
    case 'vae':
      return fromModel(family, vaeTemplate(template as VaeTemplate, shape, c.latentDim));
    case 'gan':
      return fromModel(family, ganTemplate(template as GanTemplate, shape, c.latentDim, { conditioning: c.conditioning, numClasses: c.numClasses }));
  }
}

function fromModel(family: EditorFamily, m: ModelDocument): EditorArchitecture {
  return { family, name: m.name, parts: structuredClone(m.parts) };
}

/** The editor's view of a stored architecture. */
export function toEditorArchitecture(family: EditorFamily, a: Architecture): EditorArchitecture {
  if (isModelDocument(a)) return fromModel(family, a);
  return { family, name: a.name, parts: { model: structuredClone(a) } };
}

/** The document a run trains and the database stores. */
export function toArchitecture(e: EditorArchitecture): Architecture {
  if (e.family === 'classifier') return { ...e.parts['model']!, name: e.name };
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: e.name, parts: e.parts };
}

/** The family a stored architecture fits, from its parts. */
export function guessFamily(a: Architecture): EditorFamily {
  if (!isModelDocument(a)) return 'classifier';
  return 'generator' in a.parts ? 'gan' : 'vae';
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The contract in words, one line per part. */
export function contractLines(family: EditorFamily, c: ContractContext): Record<string, string> {
  const x = fmt(c.inputShape);
  switch (family) {
    case 'classifier':
      return { model: `maps one example ${x} to ${c.numClasses} class probabilities [${c.numClasses}] (end with a softmax dense layer)` };
    case 'autoencoder':
      return { encoder: `maps one example ${x} to the code [${c.latentDim}]`, decoder: `maps the code [${c.latentDim}] back to an example ${x}` };
    case 'vae':
      return { encoder: `maps one example ${x} to μ and log σ² [${2 * c.latentDim}] (2 × latent ${c.latentDim})`, decoder: `maps z [${c.latentDim}] to an example ${x} (logits or means)` };
    case 'gan': {
      const C = c.numClasses;
      if (c.conditioning === 'cgan') return { generator: `maps noise 'z' [${c.latentDim}] and one-hot label 'y' [${C}] to an example ${x}`, discriminator: `maps an example 'x' ${x} and its label 'y' [${C}] to one logit [1]` };
      if (c.conditioning === 'acgan') return { generator: `maps noise 'z' [${c.latentDim}] and one-hot label 'y' [${C}] to an example ${x}`, discriminator: `maps an example ${x} to [${1 + C}]: the source logit, then ${C} class logits` };
      return { generator: `maps noise z [${c.latentDim}] to an example ${x}`, discriminator: `maps an example ${x} to one logit [1]` };
    }
  }
}

/** The part an error of a multi-part check is about (its message starts with "encoder: …"). */
function partOfError(e: GraphError, parts: readonly string[]): string | undefined {
  return parts.find((p) => e.message.startsWith(`${p}: `));
}

export interface ContractCheck {
  /** Errors by part ('' for errors about the model as a whole). */
  byPart: Record<string, GraphError[]>;
  ok: boolean;
}

/**
 * Every error that would stop a run from this architecture, by part: each
 * part's own (shapes) and the family's contract, exactly as the services
 * check them.
 */
export function checkArchitecture(e: EditorArchitecture, c: ContractContext): ContractCheck {
  const parts = familyParts[e.family];
  const byPart: Record<string, GraphError[]> = Object.fromEntries([...parts, ''].map((p) => [p, [] as GraphError[]]));
  if (e.family === 'classifier') {
    byPart['model']!.push(...checkClassifier(inferShapes(e.parts['model']!), { inputShape: [...c.inputShape], numClasses: c.numClasses }));
  } else {
    const model = toArchitecture(e) as ModelDocument;
    const errors = e.family === 'gan'
      ? checkGeneratorDiscriminator(model, { dataShape: [...c.inputShape], latentDim: c.latentDim, conditioning: c.conditioning, numClasses: c.numClasses })
      : checkEncoderDecoder(model, { inputShape: [...c.inputShape], latentDim: c.latentDim, encoderOutputDim: e.family === 'vae' ? 2 * c.latentDim : c.latentDim });
    for (const err of errors) {
      const part = partOfError(err, parts) ?? '';
      byPart[part]!.push(part ? { ...err, message: err.message.slice(part.length + 2) } : err);
    }
  }
  return { byPart, ok: Object.values(byPart).every((l) => l.length === 0) };
}

/**
 * The contract an architecture was drawn for, read off its own inputs and
 * outputs (falling back to `base` where a part cannot tell): the data shape,
 * latent size, classes and a GAN's conditioning. Opening a saved
 * architecture checks it against what it was built for; the user can then
 * change any of these.
 */
export function inferContract(e: EditorArchitecture, base: ContractContext = defaultContract): ContractContext {
  const c: ContractContext = { ...base, inputShape: [...base.inputShape] };
  const report = (part: string) => (e.parts[part] ? inferShapes(e.parts[part]) : undefined);
  const input = (r: ReturnType<typeof report>, name?: string) => (name === undefined ? r?.inputs[0] : r?.inputs.find((i) => i.name === name) ?? (r?.inputs.length === 1 ? r.inputs[0] : undefined));
  switch (e.family) {
    case 'classifier': {
      const r = report('model');
      const i = input(r);
      if (i) c.inputShape = [...i.shape];
      if (r?.outputShape?.length === 1) c.numClasses = r.outputShape[0]!;
      break;
    }
    case 'autoencoder':
    case 'vae': {
      const i = input(report('encoder'));
      if (i) c.inputShape = [...i.shape];
      const z = input(report('decoder'));
      if (z?.shape.length === 1) c.latentDim = z.shape[0]!;
      break;
    }
    case 'gan': {
      const g = report('generator');
      const d = report('discriminator');
      const z = input(g, 'z');
      if (z?.shape.length === 1) c.latentDim = z.shape[0]!;
      if (g?.outputShape) c.inputShape = [...g.outputShape];
      const y = g?.inputs.find((i) => i.name === 'y');
      if (y?.shape.length === 1) c.numClasses = y.shape[0]!;
      c.conditioning = !y ? 'none' : d?.inputs.some((i) => i.name === 'y') ? 'cgan' : 'acgan';
      break;
    }
  }
  return c;
}
