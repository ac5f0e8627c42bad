/** The classifier's run charts: the batch loss per step, and accuracy per epoch (train, validation, test). */
import { chartKey as k, stepLossChart, type ChartContext, type EpochChartSpec } from '../runCharts';

export function classifierCharts(_ctx: ChartContext): EpochChartSpec[] {
  return [
    stepLossChart([k('loss')]),
    { testId: 'accuracy-chart', title: 'Accuracy per epoch', xName: 'epoch', yName: 'accuracy', percent: true, keys: [k('accuracy'), k('val_accuracy'), k('test_accuracy')] },
  ];
}
