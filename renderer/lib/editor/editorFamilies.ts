/**
 * What the editor edits per family, read off the family descriptors
 * (workers/common/families): the parts (one graph is the part 'model'), their
 * templates, the fixed contract between the parts and the data, shown in
 * words and checked with the very functions the services run before a run
 * is queued. No family is named here: a new family's network shows up in
 * the editor through its descriptor.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, MODEL_FORMAT, isModelDocument, type Architecture, type GraphDocument, type GraphError } from '../../../workers/common/graph';
import type { ContractChoice, ContractContext, FamilyNetwork } from '../../../workers/common/families/descriptor';
import {
  architectureFamilies, familyOf, isArchitectureFamily, type ArchitectureFamily, type RunConfig,
} from '../../../workers/common/families/registry';
import { withReadableLayout } from './autoLayout';

export type { ContractChoice, ContractContext };

/** The families whose networks the editor draws (those with a network: PCA has none). */
export type EditorFamily = ArchitectureFamily;
export const editorFamilies: readonly EditorFamily[] = architectureFamilies;
export const isEditorFamily = isArchitectureFamily;

/** A family's network, for code that treats families alike. */
export function networkOf(family: EditorFamily): FamilyNetwork<RunConfig> {
  return familyOf(family).network as unknown as FamilyNetwork<RunConfig>;
}

/** "Classifier", "Variational autoencoder", … */
export function editorFamilyLabel(family: EditorFamily): string {
  return familyOf(family).title;
}

/** The part name of a one-graph family's document in the editor. */
export const SINGLE_PART = 'model';

/** Part names of a family's model; a one-graph family (a classifier) is the single part 'model'. */
export function familyParts(family: EditorFamily): readonly string[] {
  return networkOf(family).parts ?? [SINGLE_PART];
}

/** The templates the editor offers for a new architecture of the family. */
export function familyTemplates(family: EditorFamily): readonly string[] {
  return networkOf(family).editorTemplates;
}

/** The contract choices (a GAN's conditioning) the editor offers for the family. */
export function contractChoices(family: EditorFamily): readonly ContractChoice[] {
  return networkOf(family).contractChoices;
}

export const defaultContract: ContractContext = { inputShape: [28, 28, 1], numClasses: 10, latentDim: 20, choices: {} };

/** The contract a new architecture of the family starts from: MNIST's data, the family's latent size and its choices' defaults. */
export function defaultContractFor(family: EditorFamily, base: ContractContext = defaultContract): ContractContext {
  const n = networkOf(family);
  const choices = Object.fromEntries(n.contractChoices.map((c) => [c.key, c.default]));
  if (n.defaultContract) return n.defaultContract(choices);
  return {
    ...base,
    inputShape: [...base.inputShape],
    latentDim: n.hasLatent ? n.defaultLatentDim : base.latentDim,
    choices: Object.fromEntries(n.contractChoices.map((c) => [c.key, c.default])),
  };
}

/**
 * The contract choices named in `query` (a route's `?conditioning=acgan`),
 * each kept only when it is one of the choice's values.
 */
export function choicesFromQuery(family: EditorFamily, query: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of contractChoices(family)) {
    const v = query[c.key];
    if (typeof v === 'string' && c.options.some((o) => o.value === v)) out[c.key] = v;
  }
  return out;
}

export interface EditorArchitecture {
  family: EditorFamily;
  name: string;
  parts: Record<string, GraphDocument>;
}

/** The template name of an empty canvas (every part without layers). */
export const BLANK_TEMPLATE = 'blank';

/** A fresh architecture from one of the family's templates (or blank), for the context's data. */
export function templateArchitecture(family: EditorFamily, template: string, c: ContractContext): EditorArchitecture {
  if (template === BLANK_TEMPLATE) {
    const name = `New ${editorFamilyLabel(family).toLowerCase()}`;
    return { family, name, parts: Object.fromEntries(familyParts(family).map((p) => [p, { format: GRAPH_FORMAT, version: GRAPH_VERSION, name: p, nodes: [], edges: [] }])) };
  }
  return toEditorArchitecture(family, networkOf(family).template(template, c));
}

/**
 * The editor's view of a stored architecture (or a template), each part laid
 * out top to bottom when its stored layout runs left to right or is missing
 * (autoLayout.ts `needsLayout`): positions do not change what trains.
 */
export function toEditorArchitecture(family: EditorFamily, a: Architecture): EditorArchitecture {
  const parts = isModelDocument(a) ? structuredClone(a.parts) : { [SINGLE_PART]: structuredClone(a) };
  return withReadableLayout({ family, name: a.name, parts });
}

/** The document a run trains and the database stores: one graph for a one-graph family, else a model of parts. */
export function toArchitecture(e: EditorArchitecture): Architecture {
  if (networkOf(e.family).parts === null) return { ...e.parts[SINGLE_PART]!, name: e.name };
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: e.name, parts: e.parts };
}

/** Whether a document can be edited as the family: one graph for a one-graph family, a model whose parts are all the family's for the others. */
export function fitsFamily(family: EditorFamily, a: Architecture): boolean {
  const parts = networkOf(family).parts;
  if (!isModelDocument(a)) return parts === null;
  return parts !== null && Object.keys(a.parts).every((p) => parts.includes(p));
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The family a stored architecture fits, from its parts: a graph goes to the
 * first one-graph family; a model to the families whose parts are exactly
 * its parts, and among several (autoencoder and VAE share theirs) to the
 * first whose contract, read off the parts, holds.
 */
export function guessFamily(a: Architecture): EditorFamily {
  if (!isModelDocument(a)) {
    // One graph: the family whose contract, read off the graph, it meets, else the first one-graph family. A family with a
    // contract of its own (a sequence model: token inputs read by an embedding) is tried first: it is the narrower one,
    // and an embedding → LSTM → softmax graph also passes the classifier's looser check.
    const graphFamilies = editorFamilies.filter((f) => networkOf(f).parts === null)
      .sort((x, y) => Number(networkOf(y).defaultContract !== undefined) - Number(networkOf(x).defaultContract !== undefined));
    const holds = graphFamilies.find((f) => {
      const c = networkOf(f).inferContract({ [SINGLE_PART]: a }, defaultContractFor(f));
      return networkOf(f).check(a, c).length === 0;
    });
    return holds ?? graphFamilies[0] ?? editorFamilies[0]!;
  }
  const names = Object.keys(a.parts);
  const fits = editorFamilies.filter((f) => {
    const parts = networkOf(f).parts;
    return parts !== null && sameNames(parts, names);
  });
  const holds = fits.find((f) => {
    const c = networkOf(f).inferContract(a.parts, defaultContractFor(f));
    return networkOf(f).check(a, c).length === 0;
  });
  return holds ?? fits[0] ?? editorFamilies.find((f) => networkOf(f).parts !== null) ?? editorFamilies[0]!;
}

/** The contract in words, one line per part. */
export function contractLines(family: EditorFamily, c: ContractContext): Record<string, string> {
  return networkOf(family).contractLines(c);
}

export interface ContractCheck {
  /** Errors by part ('' for errors about the model as a whole). */
  byPart: Record<string, GraphError[]>;
  ok: boolean;
}

/** An error's part on the canvas: its own `part`; every error of a one-graph family is the part 'model'; '' for the model as a whole. */
function partOf(e: GraphError, parts: readonly string[], oneGraph: boolean): string {
  if (oneGraph) return SINGLE_PART;
  return e.part !== undefined && parts.includes(e.part) ? e.part : '';
}

/**
 * Every error that would stop a run from this architecture, by part: each
 * part's own (shapes) and the family's contract, exactly as the services
 * check them (the descriptor's check). A part's errors lose their "part: "
 * prefix: the editor shows the part beside them.
 */
export function checkArchitecture(e: EditorArchitecture, c: ContractContext): ContractCheck {
  const network = networkOf(e.family);
  const parts = familyParts(e.family);
  const byPart: Record<string, GraphError[]> = Object.fromEntries([...parts, ''].map((p) => [p, [] as GraphError[]]));
  for (const err of network.check(toArchitecture(e), c)) {
    const part = partOf(err, parts, network.parts === null);
    const prefix = `${part}: `;
    byPart[part]!.push(part && err.message.startsWith(prefix) ? { ...err, message: err.message.slice(prefix.length) } : err);
  }
  return { byPart, ok: Object.values(byPart).every((l) => l.length === 0) };
}

/**
 * The contract an architecture was drawn for, read off its own inputs and
 * outputs (falling back to `base` where a part cannot tell): the data shape,
 * latent size, classes and the family's contract choices (a GAN's
 * conditioning). Opening a saved architecture checks it against what it was
 * built for; the user can then change any of these.
 */
export function inferContract(e: EditorArchitecture, base: ContractContext = defaultContract): ContractContext {
  return networkOf(e.family).inferContract(e.parts, base);
}
