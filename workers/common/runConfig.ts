/**
 * Run configuration: family, dataset, architecture and hyperparameters.
 * One schema, used by the UI form, the HTTP/IPC boundary, the CLI's config
 * file and the worker. Messages are written for a researcher reading them.
 */
import { z } from 'zod';
import { graphDocumentSchema } from './graph';

export const optimizerSchema = z.enum(['sgd', 'momentum', 'adam']);
export type OptimizerName = z.infer<typeof optimizerSchema>;

export const classifierHyperSchema = z.object({
  epochs: z.number({ error: 'epochs must be a number' }).int('epochs must be a whole number').min(1, 'epochs must be at least 1').max(1000, 'epochs must be at most 1000').default(2),
  batchSize: z.number({ error: 'batchSize must be a number' }).int('batchSize must be a whole number').min(1, 'batchSize must be at least 1').max(8192, 'batchSize must be at most 8192').default(64),
  optimizer: optimizerSchema.default('adam'),
  learningRate: z.number({ error: 'learningRate must be a number' })
    .refine((v) => Number.isFinite(v), 'learningRate must be a finite number')
    .refine((v) => v > 0, 'learningRate must be greater than 0')
    .refine((v) => v <= 10, 'learningRate must be at most 10')
    .default(0.001),
  momentum: z.number({ error: 'momentum must be a number' }).min(0, 'momentum must be between 0 and 1').lt(1, 'momentum must be less than 1').default(0.9),
  validationSplit: z.number({ error: 'validationSplit must be a number' }).min(0, 'validationSplit must be between 0 and 0.5').max(0.5, 'validationSplit must be at most 0.5').default(0.1),
  seed: z.number({ error: 'seed must be a number' }).int('seed must be a whole number').min(0, 'seed must be ≥ 0').max(2 ** 31 - 1, 'seed must be < 2^31').default(42),
}).strict();
export type ClassifierHyper = z.output<typeof classifierHyperSchema>;

export const datasetSpecSchema = z.object({
  id: z.string().min(1).max(64).default('mnist'),
  /** Number of training examples to use (first N of the training file); all when omitted. */
  trainSize: z.number().int().min(10, 'trainSize must be at least 10').max(10_000_000).optional(),
  /** Number of test examples to evaluate on; all when omitted. */
  testSize: z.number().int().min(10, 'testSize must be at least 10').max(10_000_000).optional(),
}).strict();
export type DatasetSpec = z.output<typeof datasetSpecSchema>;

export const classifierTemplateSchema = z.enum(['mlp', 'lenet']);
export type ClassifierTemplate = z.infer<typeof classifierTemplateSchema>;

export const architectureSpecSchema = z.union([
  z.object({ template: classifierTemplateSchema }).strict(),
  z.object({ graph: graphDocumentSchema }).strict(),
  z.object({ architectureId: z.number().int().min(1), version: z.number().int().min(1).optional() }).strict(),
]);
export type ArchitectureSpec = z.output<typeof architectureSpecSchema>;

export const classifierConfigSchema = z.object({
  family: z.literal('classifier'),
  name: z.string().max(200).optional(),
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
  architecture: architectureSpecSchema.default({ template: 'mlp' }),
  hyper: classifierHyperSchema.default(classifierHyperSchema.parse({})),
}).strict();
export type ClassifierConfig = z.output<typeof classifierConfigSchema>;

export const runConfigSchema = z.discriminatedUnion('family', [classifierConfigSchema]);
export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type Family = RunConfig['family'];
export const families: readonly Family[] = ['classifier'];

/** Turn a zod error into "path: message" lines, the form the UI and CLI show. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
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
