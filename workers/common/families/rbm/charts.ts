/**
 * The RBM's run charts: the batch reconstruction error per step; per epoch
 * the reconstruction error, the free energies of training and test images
 * (a widening gap is overfitting, Hinton 2010 §6), the pseudo-likelihood and
 * the log-likelihood (when the run measures it).
 */
import { chartKey as k, stepLossChart, type ChartContext, type EpochChartSpec } from '../runCharts';

export function rbmCharts(_ctx: ChartContext): EpochChartSpec[] {
  return [
    stepLossChart([k('reconstruction_error', 'reconstruction error')]),
    {
      testId: 'epoch-chart', title: 'Reconstruction error per epoch', xName: 'epoch', yName: 'squared error', percent: false,
      keys: [k('epoch_reconstruction_error', 'training batches'), k('val_reconstruction_error', 'validation images'), k('test_reconstruction_error', 'test images')],
    },
    {
      testId: 'rbm-hidden-activation-chart', title: 'Mean hidden activation per epoch', xName: 'epoch', yName: 'P(h = 1 | v)', percent: false,
      keys: [k('mean_hidden_activation', 'training batches')],
      caption: 'Mean over hidden units and batches; with a sparsity target it should settle near the target.',
    },
    {
      testId: 'rbm-free-energy-chart', title: 'Mean free energy per epoch', xName: 'epoch', yName: 'F(v)', percent: false,
      keys: [k('train_free_energy', 'training images'), k('test_free_energy', 'test images')],
      caption: 'Lower is more probable under the model. The test curve rising above the training curve (a widening gap) means the RBM is overfitting.',
    },
    {
      testId: 'rbm-pll-chart', title: 'Pseudo-log-likelihood per test image (nats)', xName: 'epoch', yName: 'nats', percent: false,
      keys: [k('val_pseudo_log_likelihood', 'validation'), k('test_pseudo_log_likelihood', 'test')],
      caption: 'D · log σ(F(ṽ) − F(v)) with one fixed flipped bit per image: higher is better.',
    },
    {
      testId: 'rbm-ll-chart', title: 'Log-likelihood per test image (nats)', xName: 'epoch', yName: 'nats', percent: false,
      keys: [k('test_log_likelihood', 'test')],
      caption: '−mean F(v) − log Z: log Z exact up to 20 hidden units, else an AIS estimate (its standard error is test_log_likelihood_se; the run log says which). Higher is better.',
    },
  ];
}
