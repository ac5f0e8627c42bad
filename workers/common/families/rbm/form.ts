/**
 * The RBM's part of the new-run form: its visible units, size and CD settings, then the update's
 * step size, momentum, weight decay and sparsity target. Switching the visible units swaps the
 * learning rate between their defaults (0.1 and 0.001) unless the user typed another.
 */
import { booleanField, choiceField, dataFields, numberField, sharedFields, type FamilyForm, type FormState } from '../runForm';
import { RBM_DEFAULT_LEARNING_RATE, rbmHyperSchema } from './config';

const visibleKinds = rbmHyperSchema.shape.visible.unwrap().options;
const isGaussian = (s: FormState): boolean => s['visible'] === 'gaussian';

function onChange(next: FormState, field: string, prev: FormState): FormState {
  if (field !== 'visible') return next;
  const before = RBM_DEFAULT_LEARNING_RATE[isGaussian(prev) ? 'gaussian' : 'bernoulli'];
  const after = RBM_DEFAULT_LEARNING_RATE[isGaussian(next) ? 'gaussian' : 'bernoulli'];
  return Number(next['learningRate']) === before ? { ...next, learningRate: String(after) } : next;
}

export const rbmForm: FamilyForm = {
  fields: [
    ...dataFields,
    choiceField('visible', 'Visible units', visibleKinds, { hint: 'gaussian: grey levels standardised per pixel (Hinton 2010 §13), learning rate 0.001 by default instead of 0.1; no pseudo- or log-likelihood' }),
    { ...booleanField('learnVariance', 'Learn variance', 'learn each pixel’s log σ (σ ≥ 0.1); else σ = 1. Wants small steps'), visible: isGaussian },
    numberField('numHidden', 'Hidden units', 'numeric', { hint: 'one filter each' }),
    numberField('cdK', 'Gibbs steps (CD-k)', 'numeric', { hint: 'k of the negative phase' }),
    booleanField('persistent', 'Persistent CD', 'chains continue between updates (Tieleman 2008)'),
    { ...choiceField('binarize', 'Binarize pixels', rbmHyperSchema.shape.binarize.unwrap().options), visible: (st) => !isGaussian(st) },
    numberField('gibbsSteps', 'Sampling steps', 'numeric', { hint: 'Gibbs steps for the samples gallery' }),
    { ...choiceField('logLikelihood', 'Test log-likelihood', rbmHyperSchema.shape.logLikelihood.unwrap().options, { hint: 'auto: exact each epoch up to 20 hidden units (16 s an epoch at 20 on wasm), else off; beyond 20 an AIS estimate: ~4·runs·steps·784·H flops, minutes for 500 units' }), visible: (st) => !isGaussian(st) },
    { ...numberField('aisRuns', 'AIS runs', 'numeric', { hint: 'M chains; their spread gives the standard error' }), visible: (st) => !isGaussian(st) },
    { ...numberField('aisSteps', 'AIS steps', 'numeric', { hint: 'β from 0 to 1; 15000 as in Salakhutdinov & Murray 2008' }), visible: (st) => !isGaussian(st) },
    numberField('sparsityTarget', 'Sparsity target', 'decimal', { group: 'training', hint: 'mean hidden activation to aim for, e.g. 0.05; 0 is off (Hinton 2010 §11)' }),
    numberField('sparsityCost', 'Sparsity cost', 'decimal', { group: 'training', hint: 'weight of the penalty’s gradient' }),
    numberField('sparsityDecay', 'Sparsity decay', 'decimal', { group: 'training', hint: 'of the running mean activation, 0.9–0.99' }),
    sharedFields.epochs,
    sharedFields.batchSize,
    { ...sharedFields.learningRate, hint: 'CD step size; 0.1 for bernoulli, 0.001 for gaussian visible units by default' },
    numberField('momentum', 'Momentum', 'decimal', { group: 'training', keep: true }),
    numberField('weightDecay', 'Weight decay', 'decimal', { group: 'training', hint: 'L2 on W; 1e-4 in Hinton 2010' }),
    sharedFields.validationSplit,
    sharedFields.seed,
    sharedFields.sampleEverySteps,
  ],
  onChange,
};
