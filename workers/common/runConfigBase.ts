/**
 * The parts of a run configuration every family shares: the dataset, saved
 * architectures, the optimizer and the training hyperparameters with their
 * messages (written for a researcher reading them). Each family's own schema
 * (workers/common/families/<family>/config.ts) is built from these.
 */
import { z } from 'zod';
import { graphDocumentSchema, modelDocumentSchema } from './graph';

export const optimizerSchema = z.enum(['sgd', 'momentum', 'adam']);
export type OptimizerName = z.infer<typeof optimizerSchema>;

export const seedSchema = z.number({ error: 'seed must be a number' }).int('seed must be a whole number').min(0, 'seed must be ≥ 0').max(2 ** 31 - 1, 'seed must be < 2^31').default(42);

export const learningRateSchema = (name = 'learningRate') => z.number({ error: `${name} must be a number` })
  .refine((v) => Number.isFinite(v), `${name} must be a finite number`)
  .refine((v) => v > 0, `${name} must be greater than 0`)
  .refine((v) => v <= 10, `${name} must be at most 10`);

/** The hyperparameters of any gradient-trained family (the classifier has exactly these). */
export const trainingHyperShape = {
  epochs: z.number({ error: 'epochs must be a number' }).int('epochs must be a whole number').min(1, 'epochs must be at least 1').max(1000, 'epochs must be at most 1000').default(2),
  batchSize: z.number({ error: 'batchSize must be a number' }).int('batchSize must be a whole number').min(1, 'batchSize must be at least 1').max(8192, 'batchSize must be at most 8192').default(64),
  optimizer: optimizerSchema.default('adam'),
  learningRate: learningRateSchema().default(0.001),
  momentum: z.number({ error: 'momentum must be a number' }).min(0, 'momentum must be between 0 and 1').lt(1, 'momentum must be less than 1').default(0.9),
  validationSplit: z.number({ error: 'validationSplit must be a number' }).min(0, 'validationSplit must be between 0 and 0.5').max(0.5, 'validationSplit must be at most 0.5').default(0.1),
  seed: seedSchema,
};

/**
 * Threads one classifier run trains on (issue 17, data parallelism): each
 * computes the gradient of its share of every batch and they average it, so
 * the run follows the one-thread run's steps up to float rounding. 1 (the
 * default) is the one-thread code path. The upper bound is a sanity limit;
 * the services also refuse more threads than the machine has cores.
 */
export const PARALLEL_REPLICAS_MAX = 64;
export const parallelReplicasSchema = z.number({ error: 'parallelReplicas must be a number' }).int('parallelReplicas must be a whole number')
  .min(1, 'parallelReplicas must be at least 1 (1 trains on one thread)').max(PARALLEL_REPLICAS_MAX, `parallelReplicas must be at most ${PARALLEL_REPLICAS_MAX}`).default(1);

/** Gallery images (samples, reconstructions) are logged every this many steps, and at each epoch end. 0: epoch ends only. */
export const sampleEveryStepsSchema = z.number({ error: 'sampleEverySteps must be a number' }).int('sampleEverySteps must be a whole number').min(0, 'sampleEverySteps must be ≥ 0').max(1_000_000).default(0);

/** Training hyperparameters plus the gallery schedule: what the generative families share. */
export const galleryTrainingHyperShape = { ...trainingHyperShape, sampleEverySteps: sampleEveryStepsSchema };

export const latentDimSchema = z.number({ error: 'latentDim must be a number' }).int('latentDim must be a whole number').min(1, 'latentDim must be at least 1').max(1024, 'latentDim must be at most 1024');

export const datasetSpecSchema = z.object({
  id: z.string().min(1).max(64).default('mnist'),
  /** Number of training examples to use (first N of the training file); all when omitted. */
  trainSize: z.number().int().min(10, 'trainSize must be at least 10').max(10_000_000).optional(),
  /** Number of test examples to evaluate on; all when omitted. */
  testSize: z.number().int().min(10, 'testSize must be at least 10').max(10_000_000).optional(),
}).strict();
export type DatasetSpec = z.output<typeof datasetSpecSchema>;

/** A saved architecture (architectures.save): its latest version when `version` is omitted. The run records the exact version. */
export const savedArchitectureSpecSchema = z.object({
  architectureId: z.number({ error: 'architectureId must be a number' }).int('architectureId must be a whole number').min(1, 'architectureId must be at least 1'),
  version: z.number({ error: 'version must be a number' }).int('version must be a whole number').min(1, 'version must be at least 1').optional(),
}).strict();
export type SavedArchitectureSpec = z.output<typeof savedArchitectureSpecSchema>;

/** A one-graph family's architecture: a template, an inline graph document, or a saved version. */
export const graphArchitectureSchema = <T extends z.ZodTypeAny>(templates: T) => z.union([
  z.object({ template: templates }).strict(),
  z.object({ graph: graphDocumentSchema }).strict(),
  savedArchitectureSpecSchema,
]);

/** A multi-part family's architecture: a template, an inline model document of the family's parts, or a saved version. */
export const modelArchitectureSchema = <T extends z.ZodTypeAny>(templates: T) => z.union([
  z.object({ template: templates }).strict(),
  z.object({ model: modelDocumentSchema }).strict(),
  savedArchitectureSpecSchema,
]);

/** Any family's architecture spec, as the services resolve it. */
export type ArchitectureSpecAny =
  | { template: string }
  | { graph: z.output<typeof graphDocumentSchema> }
  | { model: z.output<typeof modelDocumentSchema> }
  | SavedArchitectureSpec;

/** The fields every family's config has besides `family`, `architecture` and `hyper`. */
export const runConfigCommonShape = {
  name: z.string().max(200).optional(),
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
};

/** An issue of a schema check: where (a path of keys) and what. Carried on the wire as is, never as "path: message" text. */
export interface Issue {
  path: string[];
  message: string;
  /** Where in the field's text the problem is (character offsets, end exclusive), for fields that are text in a language (a runs filter). */
  span?: { start: number; end: number };
}

/**
 * An unknown key's message with each key JSON-quoted: zod quotes without
 * escaping, so a key holding a quote or a newline made an ambiguous message
 * (`Unrecognized key: """` for the key `"`). Ordinary keys read as zod wrote them.
 */
function unrecognizedKeysMessage(keys: readonly string[]): string {
  return `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
}

/** A zod error's issues, with their paths as strings. */
export function toIssues(error: z.ZodError, prefix: readonly string[] = []): Issue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map(String)],
    message: i.code === 'unrecognized_keys' ? unrecognizedKeysMessage(i.keys) : i.message,
  }));
}

/** One issue as a person reads it: "hyper.learningRate: must be …". */
export function formatIssue(issue: Issue): string {
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Turn a zod error into "path: message" lines, the form the CLI prints. */
export function formatIssues(error: z.ZodError): string[] {
  return toIssues(error).map(formatIssue);
}

/**
 * Apply `key=value` overrides (CLI --set) to a raw config object. Keys are
 * dotted paths (hyper.learningRate=0.01); values are parsed as JSON when they
 * parse, else kept as strings, so the schema reports a clear type error.
 */
export function applyOverrides(raw: unknown, overrides: readonly string[]): unknown {
  const root: Record<string, unknown> = typeof raw === 'object' && raw !== null ? structuredClone(raw as Record<string, unknown>) : {};
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got "${o}"`);
    const path = o.slice(0, eq).split('.');
    const text = o.slice(eq + 1);
    let value: unknown;
    try { value = JSON.parse(text); } catch { value = text; }
    let cur: Record<string, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error(`--set: illegal key "${k}"`);
      const next = cur[k];
      if (typeof next !== 'object' || next === null) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') throw new Error(`--set: illegal key "${last}"`);
    cur[last] = value;
  }
  return root;
}
