/**
 * Every model family, one line each. Everything else that knows families
 * (the run config schema, the services, the CLI, the editor, the form, the
 * run page, the worker) reads this registry, and each runtime's own registry
 * (workers/families/registry.ts, renderer/families/registry.ts) must name
 * every family here: `satisfies Record<Family, …>` makes a missing one a
 * type error.
 */
import { z } from 'zod';
import { isModelDocument, type Architecture } from '../graph';
import { metricSpecFor, type ArtifactKindOf, type FamilyDescriptor, type MetaOfSpec, type MetricKeyOf, type MetricSpec, type ValidationChoice } from './descriptor';
import { autoencoderFamily } from './autoencoder';
import { classifierFamily } from './classifier';
import { ganFamily } from './gan';
import { pcaFamily } from './pca';
import { pixelCnnFamily } from './pixelcnn';
import { rbmFamily } from './rbm';
import { sequenceFamily } from './sequence';
import { vaeFamily } from './vae';

export const familyDescriptors = {
  classifier: classifierFamily,
  autoencoder: autoencoderFamily,
  vae: vaeFamily,
  gan: ganFamily,
  pca: pcaFamily,
  rbm: rbmFamily,
  sequence: sequenceFamily,
  pixelcnn: pixelCnnFamily,
} as const;

type Descriptors = typeof familyDescriptors;
export type Family = keyof Descriptors;
/** A family's run config, after the schema's defaults. */
export type ConfigOf<F extends Family> = z.output<Descriptors[F]['configSchema']>;
export type RunConfig = { [F in Family]: ConfigOf<F> }[Family];
export type RunConfigInput = { [F in Family]: z.input<Descriptors[F]['configSchema']> }[Family];

// Each entry's key is its id (a typo in the registry is a type error).
const _keysAreIds: { [F in Family]: FamilyDescriptor<F, Descriptors[F]['configSchema']> } = familyDescriptors;
void _keysAreIds;

export const families = Object.keys(familyDescriptors) as Family[];

export function isFamily(v: unknown): v is Family {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(familyDescriptors, v);
}

/** The descriptor of a family, typed by family. */
export function familyOf<F extends Family>(family: F): Descriptors[F] {
  return familyDescriptors[family];
}

/** Any family's descriptor, for code that treats families alike. */
export function descriptorOf(family: Family): FamilyDescriptor<Family, z.ZodType<RunConfig>> {
  return familyDescriptors[family] as unknown as FamilyDescriptor<Family, z.ZodType<RunConfig>>;
}

const configSchemas = Object.values(familyDescriptors).map((d) => d.configSchema);

/**
 * Why a family other than the classifier refuses `hyper.parallelReplicas`
 * (undefined when it does not): the data-parallel step (workers/engine/dataParallel)
 * computes the classifier's cross-entropy only. Said in words rather than left
 * to the family's strict schema, whose "Unrecognized key" would not say why.
 */
export function parallelReplicasIssue(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const family: unknown = Reflect.get(raw, 'family');
  const hyper: unknown = Reflect.get(raw, 'hyper');
  if (family === 'classifier' || typeof hyper !== 'object' || hyper === null || !Object.prototype.hasOwnProperty.call(hyper, 'parallelReplicas')) return undefined;
  const value: unknown = Reflect.get(hyper, 'parallelReplicas');
  if (value === 1) return undefined;
  return `parallelReplicas (data-parallel training on several threads) is for classifier runs only: its shared step computes the classifier's loss, and a ${String(family)} run trains on one thread (leave parallelReplicas out, or set it to 1)`;
}

/** The raw config without a harmless `hyper.parallelReplicas: 1` on a family that has no such setting. */
function withoutParallelReplicas(raw: unknown, ctx: z.core.$RefinementCtx): unknown {
  const issue = parallelReplicasIssue(raw);
  if (issue !== undefined) ctx.addIssue({ code: 'custom', message: issue, path: ['hyper', 'parallelReplicas'], input: raw });
  if (typeof raw !== 'object' || raw === null || Reflect.get(raw, 'family') === 'classifier') return raw;
  const hyper: unknown = Reflect.get(raw, 'hyper');
  if (typeof hyper !== 'object' || hyper === null || !Object.prototype.hasOwnProperty.call(hyper, 'parallelReplicas')) return raw;
  return { ...raw, hyper: Object.fromEntries(Object.entries(hyper).filter(([key]) => key !== 'parallelReplicas')) };
}

/** Any family's run config: the discriminated union of every family's schema (after the parallelReplicas check above). */
export const runConfigSchema = z.preprocess(withoutParallelReplicas, z.discriminatedUnion('family', configSchemas as unknown as [typeof classifierFamily.configSchema])) as unknown as z.ZodType<RunConfig, RunConfigInput>;

/** The families that train a network, and so can have saved architectures (PCA has none). */
export type ArchitectureFamily = { [F in Family]: Descriptors[F]['network'] extends null ? never : F }[Family];
export const architectureFamilies = families.filter((f) => familyDescriptors[f].network !== null) as ArchitectureFamily[];

export function isArchitectureFamily(v: unknown): v is ArchitectureFamily {
  return isFamily(v) && familyDescriptors[v].network !== null;
}

/** The part names of a family's model document; null: the family trains one graph (a latent-graph document). */
export function familyPartNames(family: ArchitectureFamily): readonly string[] | null {
  return familyDescriptors[family].network.parts;
}

/**
 * Why a document cannot be a saved architecture of this family, or undefined
 * when its kind fits (a graph for one-graph families, a model with exactly
 * the family's parts for the others). Only the kind and the part names: a
 * draft whose graphs have shape errors fits (training is what refuses those).
 */
export function architectureFamilyIssue(family: ArchitectureFamily, architecture: Architecture): string | undefined {
  const want = familyPartNames(family);
  if (want === null) {
    return isModelDocument(architecture)
      ? `a ${family} architecture is one graph (format "latent-graph"), not a model of parts (${Object.keys(architecture.parts).join(', ') || 'none'})`
      : undefined;
  }
  if (!isModelDocument(architecture)) {
    return `a ${family} architecture is a model (format "latent-model") with the parts ${want.map((p) => `"${p}"`).join(' and ')}, not a single graph`;
  }
  const have = Object.keys(architecture.parts);
  const missing = want.filter((p) => !have.includes(p));
  const extra = have.filter((p) => !want.includes(p));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const problems = [
    ...(missing.length > 0 ? [`it has no ${missing.map((p) => `"${p}"`).join(' or ')} part`] : []),
    ...(extra.length > 0 ? [`it has the unexpected part${extra.length > 1 ? 's' : ''} ${extra.map((p) => `"${p}"`).join(', ')}`] : []),
  ];
  return `a ${family} architecture has exactly the parts ${want.map((p) => `"${p}"`).join(' and ')}: ${problems.join(', and ')}`;
}

/** The metric keys any family names as a headline, with the direction that is better (the store keeps their best values). */
export function headlineMetricKeys(): { key: string; mode: 'max' | 'min' }[] {
  const seen = new Map<string, 'max' | 'min'>();
  for (const f of families) for (const h of familyDescriptors[f].headline) if (!seen.has(h.key)) seen.set(h.key, h.mode);
  return [...seen].map(([key, mode]) => ({ key, mode }));
}

/** Every metric key any family records (`kl_dim/${number}` for indexed keys). */
export type MetricKey = { [F in Family]: MetricKeyOf<Descriptors[F]> }[Family];
/** The metric keys one family records. */
export type FamilyMetricKey<F extends Family> = MetricKeyOf<Descriptors[F]>;
/** Every artifact kind any family writes (a checkpoint is StoredArtifactKind's). */
export type ArtifactKind = { [F in Family]: ArtifactKindOf<Descriptors[F]> }[Family];
/** The artifact kinds one family writes. */
export type FamilyArtifactKind<F extends Family> = ArtifactKindOf<Descriptors[F]>;
/** The meta a family records with each of its artifact kinds (as its descriptor declares). */
export type FamilyArtifactMeta<F extends Family> = { [K in FamilyArtifactKind<F>]: MetaOfSpec<Extract<Descriptors[F]['artifacts'][number], { kind: K }>> };
/** The meta any family records with each artifact kind. */
export type ArtifactMeta = { [K in ArtifactKind]: { [F in Family]: K extends FamilyArtifactKind<F> ? FamilyArtifactMeta<F>[K] : never }[Family] };

/** Every artifact kind, for schemas (artifacts.list's filter). */
export const artifactKinds = [...new Set(families.flatMap((f) => familyDescriptors[f].artifacts.map((a) => a.kind)))] as ArtifactKind[];

/** The kind of a checkpoint artifact: every trained family writes them, so no descriptor lists it. */
export const CHECKPOINT_KIND = 'checkpoint';

/** Every kind the store records: the families' artifacts (their analyses' included) and checkpoints. */
export type StoredArtifactKind = ArtifactKind | typeof CHECKPOINT_KIND;
export const storedArtifactKinds: readonly StoredArtifactKind[] = [...artifactKinds, CHECKPOINT_KIND];

/** Whether an artifact kind is a data document (JSON a family panel draws) rather than an image the gallery shows. */
export function isDataArtifactKind(kind: string): boolean {
  return families.some((f) => familyDescriptors[f].artifacts.some((a) => a.kind === kind && a.format === 'data'));
}

/** The image kinds a family declares, in its order (the gallery's tabs); every family's, in registry order, without one. */
export function imageArtifactKinds(family?: Family): string[] {
  const list = family === undefined ? families : [family];
  return [...new Set(list.flatMap((f) => familyDescriptors[f].artifacts.filter((a) => a.format === 'image').map((a) => a.kind)))];
}

export function isStoredArtifactKind(v: unknown): v is StoredArtifactKind {
  return typeof v === 'string' && (storedArtifactKinds as readonly string[]).includes(v);
}

/** The catalogue entry of a family's metric key ('kl_dim/3' → its 'kl_dim/<i>' entry). */
export function metricSpec(family: Family, key: string): MetricSpec | undefined {
  return metricSpecFor(familyDescriptors[family].metrics, key);
}

/** The validation metric that chooses where a family's test metrics are read, if it has one (undefined for an unknown family). */
export function validationChoice(family: string): ValidationChoice | undefined {
  return isFamily(family) ? familyDescriptors[family].validation : undefined;
}

/** The validation choice that reads `key` for runs of this family, when the family has one and it selects the key. */
export function selectingChoice(family: string, key: string): ValidationChoice | undefined {
  const choice = validationChoice(family);
  return choice?.selects.includes(key) ? choice : undefined;
}

/** The gallery's label of an artifact kind (the first family that declares it names it). */
export function artifactLabel(kind: string): string {
  for (const f of families) {
    const a = familyDescriptors[f].artifacts.find((x) => x.kind === kind);
    if (a) return a.label;
  }
  return kind;
}
