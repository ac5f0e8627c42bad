/** The PCA baseline's run chart: reconstruction error on test and train (no training loop, so no per-step loss). */
import { chartKey as k, type ChartContext, type EpochChartSpec } from '../runCharts';

export function pcaCharts(_ctx: ChartContext): EpochChartSpec[] {
  return [{ testId: 'epoch-chart', title: 'Reconstruction error', xName: 'step', yName: 'MSE', percent: false, keys: [k('test_mse'), k('train_mse')] }];
}
