/**
 * The classifier's run charts: the batch loss per step, then the epoch's
 * training, validation and test loss on one chart and the three accuracies on
 * another, so over-fitting (train falling, validation rising) is seen at a
 * glance rather than read off numbers.
 */
import { chartKey as k, stepLossChart, type ChartContext, type EpochChartSpec } from '../runCharts';

export function classifierCharts(_ctx: ChartContext): EpochChartSpec[] {
  return [
    stepLossChart([k('loss')]),
    {
      testId: 'epoch-loss-chart', title: 'Loss per epoch', xName: 'epoch', yName: 'cross-entropy', percent: false,
      keys: [k('epoch_loss', 'train'), k('val_loss', 'validation'), k('test_loss', 'test')],
      caption: 'Training loss is the mean over the epoch’s batches (the model changing as it goes); validation and test are scored after the epoch.',
    },
    { testId: 'accuracy-chart', title: 'Accuracy per epoch', xName: 'epoch', yName: 'accuracy', percent: true, keys: [k('accuracy'), k('val_accuracy'), k('test_accuracy')] },
  ];
}
