/**
 * What a family adds to the run page beyond its descriptor's charts: its own
 * components, in four places (warnings above the charts, panels in the chart
 * grid, panels before the gallery, tools after it). Every one takes one
 * prop, `panel` (RunPanelProps: the run, what it has recorded, its
 * artifacts), and decides itself whether it shows. The run page
 * (views/RunView.vue) names no family: it renders the registry's entry
 * (registry.ts) for the run's family.
 */
import type { Component } from 'vue';
import type { ArtifactInfo, RunDetail, RunSummary } from '../../main/common/domain';
import type { SeriesData } from '../lib/metricSeries';

/** A run's recorded metrics, live: each read is reactive (it follows the runs store's version). */
export interface RunMetrics {
  /** Bumped whenever one of the run's series changes (charts redraw on it). */
  version: number;
  /** Every metric key the run has recorded so far. */
  keys: readonly string[];
  /** The latest value of a metric: the live series' last point, else the run summary's. */
  latest(key: string): number | undefined;
  /** A metric's whole series, when it has been fetched. */
  series(key: string): SeriesData | undefined;
}

/** The one prop every run-page component of a family takes. */
export interface RunPanelProps {
  run: RunSummary;
  /** The run's detail (config, architecture, checkpoint), once loaded. */
  detail: RunDetail | undefined;
  /** The run's artifacts, kept live. */
  artifacts: ArtifactInfo[];
  metrics: RunMetrics;
}

/** A run-page component of a family: it takes `panel`. */
export type RunPanel = Component<{ panel: RunPanelProps }>;

export interface FamilyRunPanels {
  /** Alerts above the charts (posterior collapse, mode collapse). */
  warnings: readonly RunPanel[];
  /** Panels in the chart grid, after the descriptor's charts (a VAE's KL per dimension). */
  charts: readonly RunPanel[];
  /** Panels after the charts, before the gallery (a GAN's class histogram and toy density). */
  panels: readonly RunPanel[];
  /** Panels after the gallery (latent tools, a GAN's interpolation). */
  tools: readonly RunPanel[];
  /**
   * Whether the run page shows the gallery before any image has arrived
   * (it always shows once one has). Default: when the family's descriptor
   * declares image artifacts. A GAN on a 2-D toy logs none.
   */
  expectsImages?(p: RunPanelProps): boolean;
}

/** No panels: the run page shows the descriptor's charts and the shared sections only. */
export const noRunPanels: FamilyRunPanels = { warnings: [], charts: [], panels: [], tools: [] };

/** Whether the run has a model to analyse: it finished, or wrote a checkpoint. */
export function hasModel(p: Pick<RunPanelProps, 'run' | 'detail'>): boolean {
  return p.run.status === 'done' || !!p.detail?.checkpoint;
}

/** "final model" once the run is done, else "last checkpoint": where on-demand analyses get their model. */
export function modelSource(p: Pick<RunPanelProps, 'run'>): string {
  return p.run.status === 'done' ? 'final model' : 'last checkpoint';
}
