/**
 * The sequence family's ready experiments. "Which cells solve which
 * lengths": SimpleRNN, LSTM and GRU on parity of length 10, 20 and 50, and
 * the LSTM's forget-gate bias at 0 against 1 — the lecture's point about
 * gates and long-range gradients, in the researcher's own runs. Every run
 * trains on strings of 1 to L bits (short strings carry the gradient signal
 * that makes parity learnable) and is judged on strings of exactly L bits.
 */
import type { ExperimentPreset } from '../descriptor';

const LENGTHS = [10, 20, 50] as const;
const CELLS = ['simpleRnn', 'lstm', 'gru'] as const;
/** Two seeds per setting: one run succeeding or failing by luck shows as a spread, not as a finding. */
const SEEDS = [1, 2] as const;

function parityRun(cell: (typeof CELLS)[number], length: number, seed: number, unitForgetBias = true): Record<string, unknown> {
  const bias = cell === 'lstm' ? ` forget bias ${unitForgetBias ? 1 : 0}` : '';
  return {
    family: 'sequence',
    name: `parity ${length} · ${cell}${bias} · seed ${seed}`,
    architecture: { template: 'rnn-classifier' },
    data: { source: 'task', task: { task: 'parity', length, minLength: 1 }, trainExamples: 5000, validationExamples: 500, testExamples: 1000 },
    hyper: { cell, units: 32, unitForgetBias, epochs: 2, batchSize: 32, learningRate: 0.01, seed, clip: 'global-norm', clipThreshold: 5, sampleEverySteps: 100 },
  };
}

const COLUMNS = ['name', 'status', 'params.cell', 'params.length', 'params.unitForgetBias', 'seed', 'metrics.test_accuracy.best', 'metrics.val_accuracy.max', 'metrics.grad_first_to_last.last', 'duration'];

export const parityCellsPreset: ExperimentPreset = {
  id: 'parity-cells',
  title: 'Parity: SimpleRNN vs LSTM vs GRU at lengths 10, 20 and 50, and LSTM forget bias 0 vs 1',
  description: 'Twenty-four small runs (32 units, 2 epochs of 5,000 strings of 1 to L bits, seeds 1 and 2), judged on 1,000 strings of exactly L bits. The runs table groups them by cell and length with the mean ± sd test accuracy (read where validation loss was lowest); a second view sets LSTM forget bias 0 against 1. A run\'s gradient-through-time chart shows how far back the gradient reaches.',
  experiment: 'Parity: which cells solve which lengths',
  runs: SEEDS.flatMap((seed) => [
    ...LENGTHS.flatMap((length) => CELLS.map((cell) => parityRun(cell, length, seed))),
    ...LENGTHS.map((length) => parityRun('lstm', length, seed, false)),
  ]),
  // Compared, the runs' accuracy curves are grouped (mean and band) by cell or forget bias, and the scatter puts length against test accuracy.
  views: [
    {
      name: 'Cells × lengths', filter: 'params.unitForgetBias = true', groupBy: ['params.cell', 'params.length'], groupMetric: 'metrics.test_accuracy.best', columns: COLUMNS,
      compare: { metrics: 'val_accuracy,test_accuracy', group: 'param:cell', sx: 'params.length', sy: 'metrics.test_accuracy.best' },
    },
    {
      name: 'LSTM forget bias 0 vs 1', filter: 'params.cell = "lstm"', groupBy: ['params.unitForgetBias', 'params.length'], groupMetric: 'metrics.test_accuracy.best', columns: COLUMNS,
      compare: { metrics: 'val_accuracy,test_accuracy', group: 'param:unitForgetBias', sx: 'params.length', sy: 'metrics.test_accuracy.best' },
    },
  ],
};

export const sequencePresets: readonly ExperimentPreset[] = [parityCellsPreset];
