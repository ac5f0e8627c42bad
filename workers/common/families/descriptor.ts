/**
 * A model family, described once in pure code: its config schema, its
 * network's parts, templates and contract, its headline metric, its metric
 * catalogue, the artifacts it logs and the analyses that apply to it. The
 * services, the CLI, the editor, the form and the run page read these
 * descriptors (registry.ts) instead of switching on family names.
 *
 * Pure: imports nothing from node, electron, the DOM, tfjs or the engine.
 */
import type { z } from 'zod';
import type { Architecture, GraphDocument, GraphError, Shape } from '../graph';
import type { AnalysisKind, ImageGridMeta } from '../gallery';
import type { ChartContext, EpochChartSpec } from './runCharts';
import type { FamilyForm } from './runForm';

/** What a family's contract is checked against: the data, the family's sizes and its contract choices. */
export interface ContractContext {
  /** One example's shape (the dataset's; [2] for a GAN on a 2-D toy). */
  inputShape: Shape;
  numClasses: number;
  latentDim: number;
  /** The family's own contract choices by key (a GAN's `conditioning`), each one of its ContractChoice's values. */
  choices: Readonly<Record<string, string>>;
}

/** A choice the contract depends on, offered by the editor (a GAN's conditioning). */
export interface ContractChoice {
  key: string;
  label: string;
  options: readonly { value: string; label: string }[];
  default: string;
}

/** The data a run's contract is built for. */
export interface DataShape {
  inputShape: readonly number[];
  numClasses: number;
}

/**
 * The text corpus a run trains on and how it is tokenised: what the services
 * need to check the corpus exists, size the vocabulary (the contract's
 * numClasses) exactly as the worker will build it, and hand the worker the
 * corpus's file.
 */
export interface CorpusUse {
  /** A corpus id (corpora.list): the built-in one or an imported text. */
  id: string;
  level: 'char' | 'word';
  /** Word level: the most ids the vocabulary may have (the reserved ones included); char level ignores it. */
  vocabularyCap: number;
  /** Only the first N characters (code points) of the text, when set. */
  maxCharacters?: number;
  /** Tokens per window: the input shape of the run's contract. */
  sequenceLength: number;
}

/** A family's network: parts, templates and the contract between the parts and the data. */
export interface FamilyNetwork<C> {
  /** Part names of the model document; null: the family trains one graph (a latent-graph document, the editor's part 'model'). */
  parts: readonly string[] | null;
  /** Template names a run config may name (`architecture.template`). */
  templates: readonly string[];
  /** Templates the editor offers for a new architecture (data-specific ones such as the 2-D toys' left out). */
  editorTemplates: readonly string[];
  /** Whether the contract has a latent size the editor lets the user set. */
  hasLatent: boolean;
  /** Contract choices the editor offers (none for most families). */
  contractChoices: readonly ContractChoice[];
  /** A sensible latent size for a new architecture in the editor. */
  defaultLatentDim: number;
  /**
   * The editor's contract for a new architecture with these contract choices,
   * when the family's data is not an image dataset's (a sequence model's
   * lengths and vocabulary follow its objective); the dataset's otherwise.
   */
  defaultContract?(choices: Readonly<Record<string, string>>): ContractContext;
  /** The contract a run of `config` on `data` must meet. */
  contractFor(config: C, data: DataShape): ContractContext;
  /** A fresh architecture from a template, for a contract (and a run's config, for the tricks templates insert). Throws with a readable message. */
  template(name: string, contract: ContractContext, config?: C): Architecture;
  /** Every error that stops a run from this architecture: each part's own, then the contract's. Messages of a multi-part check start with "part: ". */
  check(architecture: Architecture, contract: ContractContext): GraphError[];
  /** The contract in words, one line per part. */
  contractLines(contract: ContractContext): Record<string, string>;
  /** The contract an architecture was drawn for, read off its parts' inputs and outputs (falling back to `base`). */
  inferContract(parts: Readonly<Record<string, GraphDocument>>, base: ContractContext): ContractContext;
}

/**
 * How a family with a validation split reports its held-out numbers: the
 * `selects` metrics are read at the step where the validation metric was
 * best (early stopping's choice), so the number quoted for a run is chosen
 * on validation, never on the test set.
 */
export interface ValidationChoice {
  /** The validation metric (val_accuracy, val_loss, …). */
  key: string;
  mode: 'max' | 'min';
  /** The test metrics read at the step it chose. */
  selects: readonly string[];
}

/** Which of a family's metrics the divergence rule (divergence.ts) reads. */
export interface DivergenceKeys {
  /** A per-epoch loss (lower is better). */
  loss: string;
  /** A held-out accuracy, then fallbacks in order (a run without a test set); compared with chance. */
  accuracy?: readonly string[];
}

/** How a metric is read: the direction that is better, how it is printed. */
export interface HeadlineMetric {
  key: string;
  mode: 'max' | 'min';
  /** Short column label ("test acc", "ELBO"). */
  label: string;
  format: 'percent' | 'number';
  /** Printed after the number in the CLI ("nats"). */
  unit?: string;
}

/** One entry of a family's metric catalogue. `key` may end in `<i>` for an indexed family of keys ('kl_dim/<i>': kl_dim/0, kl_dim/1, …). */
export interface MetricSpec {
  key: string;
  /** What the step of its points counts. */
  x: 'step' | 'epoch';
  /** Which way is better, when one is. */
  mode?: 'max' | 'min';
  format?: 'percent' | 'number';
  description: string;
  /** Drawn by a dedicated panel, left out of the "latest metrics" list. */
  detail?: boolean;
}

/** An artifact kind a family's worker logs, with what the gallery calls it. */
export interface ArtifactSpec<K extends string = string, M = unknown> {
  kind: K;
  /** 'image': a PNG grid the gallery shows; 'data': a JSON document a family panel draws. */
  format: 'image' | 'data';
  label: string;
  /** Type only, never set: the meta the worker records with an artifact of this kind (the sink checks it). */
  readonly meta?: M;
}

/** An image-grid artifact: its meta is the grid's (rows, cells, what each cell shows). */
export function imageArtifact<const K extends string>(kind: K, label: string): ArtifactSpec<K, ImageGridMeta> {
  return { kind, format: 'image', label };
}

/** A data artifact (a JSON document a panel draws) whose recorded meta is `M`: `dataArtifact<ToyScatterMeta>()('toy-scatter', 'Toy density')`. */
export function dataArtifact<M>(): <const K extends string>(kind: K, label: string) => ArtifactSpec<K, M> {
  return (kind, label) => ({ kind, format: 'data', label });
}

/** The meta type an artifact spec declares. */
export type MetaOfSpec<S> = S extends ArtifactSpec<string, infer M> ? M : never;

/**
 * A ready experiment: a batch of runs launched from one button (until sweeps
 * exist), into a new experiment with a saved view that shows the comparison
 * it is for.
 */
export interface ExperimentPreset {
  /** Stable id ('parity-cells'): the API, the CLI and the button's test id use it. */
  id: string;
  title: string;
  /** What it shows, in a sentence or two. */
  description: string;
  /** The experiment's name (a number is appended when one of that name exists). */
  experiment: string;
  /** The run configs, as a researcher would write them (the family's schema fills in the rest). */
  runs: readonly Readonly<Record<string, unknown>>[];
  /** The saved views created with the experiment (it opens with the first): a name, a filter, the rows grouped by these params with this metric's mean ± sd per group, and the columns shown. */
  views: readonly {
    name: string; filter: string; groupBy: readonly string[]; groupMetric: string; columns: readonly string[];
    /** The compare view's settings the view carries (its URL query: metrics, group, sx, sy, …). */
    compare: Readonly<Record<string, string>>;
  }[];
}

export interface FamilyDescriptor<
  F extends string = string,
  S extends z.ZodType = z.ZodType,
  M extends readonly MetricSpec[] = readonly MetricSpec[],
  A extends readonly ArtifactSpec[] = readonly ArtifactSpec[],
> {
  id: F;
  /** The form's name for it ("variational autoencoder (VAE)"). */
  label: string;
  /** A title ("Variational autoencoder"). */
  title: string;
  configSchema: S;
  /** Null: no network to draw or save (PCA). */
  network: FamilyNetwork<z.output<S>> | null;
  /** The family's fields of the new-run form and when they show (runForm.ts). */
  form: FamilyForm;
  /** The run page's line charts for a run, in order: the per-step loss chart ('loss-chart') first when the family has one (runCharts.ts). */
  charts(ctx: ChartContext<z.output<S>>): EpochChartSpec[];
  /** The metrics that say how a run did, in order of preference: the runs table and the CLI show the first a run has. */
  headline: readonly HeadlineMetric[];
  /** The validation metric that chooses where the test metrics are read (families with a validation split). */
  validation?: ValidationChoice;
  /** The metrics the divergence rule reads: a finished run whose loss blew up or whose accuracy is at chance is flagged "diverged" (divergence.ts). */
  divergence?: DivergenceKeys;
  /** Every metric key the family's worker records (the typed catalogue: a key not here is a type error in the worker). */
  metrics: M;
  /** Every artifact kind the family's worker and its analyses write. */
  artifacts: A;
  /** The on-demand analyses (runs.analyze) that apply to a run of this family. */
  analyses: readonly AnalysisKind[];
  /**
   * A family whose runs keep no checkpoint but write their model into the run
   * folder (PCA: `pca/components.json`, once the fit is done): its analyses
   * are given the run folder instead of a checkpoint, need the run done, and
   * record their artifacts at `step`. `what` names the model in messages.
   */
  runFolderModel?: { step: number; what: string };
  /** A network-less family (network null): the name its run's architecture record carries. */
  recordName?(config: z.output<S>): string;
  /** Ready experiments of this family (presets.list / presets.launch). */
  presets?: readonly ExperimentPreset[];
  /** What the run trains on when it is not the dataset (a GAN's "the 2-D toy mixture ring8"): the run then needs no dataset's images. */
  dataOverride?(config: z.output<S>): string | undefined;
  /** The text corpus a run of `config` trains on, when it trains on one (the sequence family's text source); its vocabulary size replaces the dataset's classes in the contract. */
  corpusOf?(config: z.output<S>): CorpusUse | undefined;
}

/** Declare a descriptor, keeping its literal types (the registry derives the family id, the config type, the metric keys and artifact kinds, and whether there is a network). */
export function defineFamily<
  const F extends string,
  S extends z.ZodType,
  N extends FamilyNetwork<z.output<S>> | null,
  const M extends readonly MetricSpec[],
  const A extends readonly ArtifactSpec[],
>(d: FamilyDescriptor<F, S, M, A> & { network: N }): FamilyDescriptor<F, S, M, A> & { network: N } {
  return d;
}

/** A catalogue key as recorded: 'kl_dim/<i>' stands for kl_dim/0, kl_dim/1, … */
export type RecordedKey<K extends string> = K extends `${infer P}<i>` ? `${P}${number}` : K;

/** The metric keys of a descriptor's catalogue, as recorded. */
export type MetricKeyOf<D extends { metrics: readonly MetricSpec[] }> = RecordedKey<D['metrics'][number]['key']>;
/** The artifact kinds of a descriptor. */
export type ArtifactKindOf<D extends { artifacts: readonly ArtifactSpec[] }> = D['artifacts'][number]['kind'];

/** The catalogue entry a recorded key belongs to ('kl_dim/3' → 'kl_dim/<i>'). */
export function metricSpecFor(metrics: readonly MetricSpec[], key: string): MetricSpec | undefined {
  return metrics.find((m) => m.key === key || (m.key.endsWith('<i>') && key.startsWith(m.key.slice(0, -3)) && /^\d+$/.test(key.slice(m.key.length - 3))));
}

/** The part of an error of a multi-part check (its `part`, else the part its message starts with, "part: "), or undefined. */
export function partOfError(e: GraphError, parts: readonly string[]): string | undefined {
  if (e.part !== undefined && parts.includes(e.part)) return e.part;
  return parts.find((p) => e.message.startsWith(`${p}: `));
}
