/**
 * The PixelCNN's run charts: the training NLL per step, and per epoch the
 * held-out NLL in nats per image and in bits/dim.
 */
import { chartKey as k, stepLossChart, type ChartContext, type EpochChartSpec } from '../runCharts';

export function pixelCnnCharts(_ctx: ChartContext): EpochChartSpec[] {
  return [
    stepLossChart([k('loss', 'training NLL (nats per image)')]),
    {
      testId: 'pixelcnn-nll-chart', title: 'Negative log-likelihood per image (nats)', xName: 'epoch', yName: 'nats', percent: false,
      keys: [k('val_nll_nats', 'validation images'), k('test_nll_nats', 'test images')],
      caption: '−log p(x) = −Σ log p(x_i | x_<i) over the binarised pixels, exact (no bound): lower is better. Published: 81.3 nats for a large gated PixelCNN on binarised MNIST.',
    },
    {
      testId: 'pixelcnn-bpd-chart', title: 'Bits per dimension', xName: 'epoch', yName: 'bits/dim', percent: false,
      keys: [k('test_bits_per_dim', 'test images')],
      caption: 'The test NLL divided by the pixels per image and ln 2.',
    },
  ];
}
