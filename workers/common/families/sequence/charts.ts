/**
 * The sequence family's run charts: the batch loss (nats per token) and the
 * global gradient norm per step (before clipping, with the clip threshold
 * drawn), then per epoch what the objective is judged by: bits per character
 * and perplexity for a language model, accuracy for classification, token
 * and sequence accuracy for seq2seq.
 */
import { chartKey as k, stepLossChart, type ChartContext, type EpochChartSpec } from '../runCharts';

export function sequenceCharts(ctx: ChartContext): EpochChartSpec[] {
  const has = (key: string): boolean => ctx.metricKeys.includes(key);
  const clip = ctx.params['clip'];
  const threshold = Number(ctx.params['clipThreshold']);
  const charts: EpochChartSpec[] = [
    stepLossChart([k('loss', 'loss (nats/token)')]),
    {
      testId: 'sequence-grad-norm-chart', title: 'Global gradient norm per step', xName: 'step', yName: '‖g‖', percent: false,
      keys: [k('grad_norm', 'before clipping'), k('grad_norm_clipped', 'applied')],
      refLine: clip === 'global-norm' && Number.isFinite(threshold) ? { y: threshold, label: `clip at ${threshold}` } : undefined,
      caption: 'The norm of all gradients together, before clipping. Spikes are exploding gradients; clipping by global norm rescales any step above the line.',
    },
  ];
  const lm = has('val_bits_per_char') || ctx.params['source'] === 'text' || ctx.params['source'] === undefined && !has('val_accuracy') && !has('val_sequence_accuracy');
  if (lm) {
    charts.push({
      testId: 'sequence-bits-chart', title: 'Bits per character', xName: 'epoch', yName: 'bits/char', percent: false,
      keys: [k('epoch_bits_per_char', 'training'), k('val_bits_per_char', 'validation')],
      caption: 'Cross-entropy in bits per character of text (word models: total bits over the characters they cover). A unigram model scores the corpus entropy; lower is better.',
    });
    charts.push({ testId: 'sequence-perplexity-chart', title: 'Validation perplexity per token', xName: 'epoch', yName: 'perplexity', percent: false, keys: [k('val_perplexity', 'validation')] });
  } else if (has('val_accuracy') || has('test_accuracy')) {
    charts.push({ testId: 'accuracy-chart', title: 'Accuracy per epoch', xName: 'epoch', yName: 'accuracy', percent: true, keys: [k('accuracy', 'training'), k('val_accuracy', 'validation'), k('test_accuracy', 'test')] });
  } else {
    charts.push({
      testId: 'sequence-accuracy-chart', title: 'Token and sequence accuracy per epoch', xName: 'epoch', yName: 'accuracy', percent: true,
      keys: [k('val_token_accuracy', 'validation tokens'), k('val_sequence_accuracy', 'validation sequences'), k('test_sequence_accuracy', 'test sequences')],
      caption: 'Sequence accuracy counts an example only when every token of its decoded output is right.',
    });
  }
  return charts;
}
