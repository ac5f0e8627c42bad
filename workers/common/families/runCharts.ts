/**
 * The run page's line charts, described as data: which metric keys one chart
 * plots against what, with its title, reference line and caption. Each
 * family's charts.ts says which charts a run of it gets (the descriptor's
 * `charts(ctx)`); the run page draws whatever comes back, in order.
 *
 * Pure: imports nothing from node, electron, the DOM, tfjs or the engine.
 */

/** One series of a chart: a metric key and its legend label. */
export interface ChartKey {
  key: string;
  label: string;
}

/** A dashed horizontal line across a chart (D's equilibrium at ½, all modes covered, …). */
export interface RefLine {
  y: number;
  label: string;
}

/** One line chart of the run page (per step or per epoch, as `xName` says). */
export interface EpochChartSpec {
  /** The chart's test id ('loss-chart', 'accuracy-chart', 'epoch-chart', 'gan-d-output-chart', …). */
  testId: string;
  title: string;
  xName: string;
  yName: string;
  percent: boolean;
  keys: ChartKey[];
  refLine?: RefLine | undefined;
  /** A fixed y range (D's probabilities); the data's range otherwise. */
  yRange?: [number, number] | undefined;
  /** One sentence under the title: how to read the chart. */
  caption?: string | undefined;
}

/** An artifact of the run as the charts see it (the API's ArtifactInfo fits). */
export interface ChartArtifact {
  kind: string;
  step: number;
  meta: Readonly<Record<string, unknown>>;
}

/** What a family's charts may depend on: the run's settings and what it has recorded so far. */
export interface ChartContext<C = unknown> {
  /** The run's flattened hyperparameters (hyper.loss → loss); an older run may lack some (the schema's defaults apply). */
  params: Readonly<Record<string, string | number | boolean>>;
  /** The run's config, once its detail has loaded. */
  config?: C | undefined;
  /** Every metric key the run has recorded so far. */
  metricKeys: readonly string[];
  /** The latest value of a metric, when the run has one. */
  latest(key: string): number | undefined;
  /** The run's artifacts (their kinds, steps and meta). */
  artifacts: readonly ChartArtifact[];
}

/** A chart series: the key, labelled with itself unless told otherwise. */
export const chartKey = (key: string, label = key): ChartKey => ({ key, label });

/** The per-step loss chart ('loss-chart'): the batch loss, and whatever terms a family plots with it. */
export function stepLossChart(keys: ChartKey[]): EpochChartSpec {
  return { testId: 'loss-chart', title: 'Loss per step', xName: 'step', yName: 'loss', percent: false, keys };
}

/** A context with nothing recorded yet, for tests and for a run that has not loaded. */
export function emptyChartContext<C>(params: ChartContext<C>['params'] = {}, more: Partial<ChartContext<C>> = {}): ChartContext<C> {
  return { params, metricKeys: [], latest: () => undefined, artifacts: [], ...more };
}
