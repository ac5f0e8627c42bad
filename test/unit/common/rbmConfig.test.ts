/**
 * The RBM's config and form after Gaussian visible units and the sparsity
 * target were added: stored Bernoulli configs parse to what they ran with,
 * the learning rate's default follows the visible units, and the form swaps it.
 */
import { describe, expect, it } from 'vitest';
import { rbmConfigSchema } from '../../../workers/common/families/rbm/config';
import { rbmForm } from '../../../workers/common/families/rbm/form';

describe('RBM config', () => {
  it('a stored Bernoulli config without the new keys parses to Bernoulli units, no sparsity target, its own learning rate', () => {
    const c = rbmConfigSchema.parse({ family: 'rbm', hyper: { numHidden: 64, learningRate: 0.05, cdK: 3, persistent: true, binarize: 'stochastic' } });
    expect(c.hyper).toMatchObject({ visible: 'bernoulli', learnVariance: false, sparsityTarget: 0, learningRate: 0.05, cdK: 3 });
  });

  it('left out, the learning rate is 0.1 for Bernoulli and 0.001 for Gaussian units, and the parsed config says so', () => {
    expect(rbmConfigSchema.parse({ family: 'rbm' }).hyper.learningRate).toBe(0.1);
    expect(rbmConfigSchema.parse({ family: 'rbm', hyper: { visible: 'gaussian' } }).hyper.learningRate).toBe(0.001);
    // Parsing a parsed config again changes nothing (stored configs are re-read).
    const once = rbmConfigSchema.parse({ family: 'rbm', hyper: { visible: 'gaussian' } });
    expect(rbmConfigSchema.parse(once)).toEqual(once);
  });

  it('rejects learned variance on Bernoulli units and a requested log-likelihood on Gaussian ones, saying what to change', () => {
    const a = rbmConfigSchema.safeParse({ family: 'rbm', hyper: { learnVariance: true } });
    expect(a.success).toBe(false);
    expect(a.error?.issues[0]?.message).toContain("set visible to 'gaussian'");
    const b = rbmConfigSchema.safeParse({ family: 'rbm', hyper: { visible: 'gaussian', logLikelihood: 'end' } });
    expect(b.error?.issues[0]?.path).toEqual(['hyper', 'logLikelihood']);
  });
});

describe('RBM form', () => {
  it('switching the visible units swaps the learning rate between the defaults, but keeps one the user typed', () => {
    const change = rbmForm.onChange!;
    expect(change({ visible: 'gaussian', learningRate: '0.1' }, 'visible', { visible: 'bernoulli', learningRate: '0.1' })['learningRate']).toBe('0.001');
    expect(change({ visible: 'bernoulli', learningRate: '0.001' }, 'visible', { visible: 'gaussian', learningRate: '0.001' })['learningRate']).toBe('0.1');
    expect(change({ visible: 'gaussian', learningRate: '0.02' }, 'visible', { visible: 'bernoulli', learningRate: '0.02' })['learningRate']).toBe('0.02');
  });

  it('shows learned variance only for Gaussian units, binarisation and the log-likelihood only for Bernoulli ones', () => {
    const shown = (visible: string): string[] => rbmForm.fields.filter((f) => f.visible?.({ visible }) ?? true).map((f) => f.id);
    expect(shown('gaussian')).toContain('learnVariance');
    expect(shown('gaussian')).not.toContain('binarize');
    expect(shown('gaussian')).not.toContain('aisSteps');
    expect(shown('bernoulli')).not.toContain('learnVariance');
    expect(shown('bernoulli')).toContain('logLikelihood');
  });
});
