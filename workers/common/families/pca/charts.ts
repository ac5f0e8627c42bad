/**
 * The PCA baseline's run charts: reconstruction error on test and train (no
 * training loop, so no per-step loss), and the scree curve when the run
 * recorded it (runs before it did not), with the share this run keeps.
 */
import { chartKey as k, type ChartContext, type EpochChartSpec } from '../runCharts';

export function pcaCharts(ctx: ChartContext): EpochChartSpec[] {
  const charts: EpochChartSpec[] = [{ testId: 'epoch-chart', title: 'Reconstruction error', xName: 'step', yName: 'MSE', percent: false, keys: [k('test_mse'), k('train_mse')] }];
  if (!ctx.metricKeys.includes('scree_cumulative')) return charts;
  const kept = ctx.latest('explained_variance');
  const components = ctx.params['components'];
  charts.push({
    testId: 'pca-scree-chart',
    title: 'Explained variance (scree)',
    xName: 'components',
    yName: 'training variance',
    percent: true,
    yRange: [0, 1],
    keys: [k('scree_cumulative', 'first n components'), k('scree_share', 'component n alone')],
    refLine: kept === undefined ? undefined : { y: kept, label: `kept: ${String(components ?? '?')} components` },
    caption: 'The share of the training set’s variance the first n components keep (rising), and each component’s own share (falling); the dashed line is what this run keeps.',
  });
  return charts;
}
