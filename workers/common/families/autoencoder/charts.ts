/**
 * The autoencoder's run charts: the batch loss per step (with the
 * contractive penalty for that variant), test reconstruction error per epoch
 * (with the noisy input's own error for denoising), the epoch losses, and a
 * stacked autoencoder's layer-wise pre-training.
 */
import { chartKey as k, stepLossChart, type ChartContext, type ChartKey, type EpochChartSpec } from '../runCharts';
import type { AutoencoderConfig } from './config';

/** Keys of the stacked autoencoder's per-layer pre-training losses, by layer. */
export function pretrainKeys(metricKeys: readonly string[]): string[] {
  return metricKeys
    .filter((key) => /^pretrain_loss\/layer\d+$/.test(key))
    .sort((a, b) => Number(a.slice(a.lastIndexOf('r') + 1)) - Number(b.slice(b.lastIndexOf('r') + 1)));
}

const variantOf = (ctx: ChartContext<AutoencoderConfig>): unknown => ctx.params['variant'] ?? ctx.config?.hyper.variant;

export function autoencoderCharts(ctx: ChartContext<AutoencoderConfig>): EpochChartSpec[] {
  const variant = variantOf(ctx);
  const loss: ChartKey[] = variant === 'contractive' ? [k('loss'), k('contractive_penalty')] : [k('loss')];
  const test = [k('test_mse')];
  if (variant === 'denoising') {
    test.push(k('test_noisy_input_mse', 'test_noisy_input_mse (the noisy input itself)'), k('test_mse_clean_input', 'test_mse_clean_input (from clean input)'));
  }
  const charts: EpochChartSpec[] = [
    stepLossChart(loss),
    { testId: 'epoch-chart', title: 'Test reconstruction error per epoch', xName: 'epoch', yName: 'MSE', percent: false, keys: test },
    { testId: 'epoch-loss-chart', title: 'Loss per epoch', xName: 'epoch', yName: 'loss', percent: false, keys: [k('epoch_loss'), k('val_loss')] },
  ];
  const pre = pretrainKeys(ctx.metricKeys);
  if (pre.length) {
    charts.push({ testId: 'pretrain-chart', title: 'Layer-wise pre-training', xName: 'epoch', yName: 'loss', percent: false, keys: pre.map((p) => k(p, p.replace('pretrain_loss/', ''))) });
  }
  return charts;
}
