import { describe, expect, it } from 'vitest';
import { matchesExperiment } from '../../../renderer/lib/experimentSearch';

describe('experiments search', () => {
  const e = { name: 'LR sweep for the MLP', description: 'Adam, 5 epochs, MNIST' };
  it('matches every word in any order and case, in the name or the description', () => {
    expect(matchesExperiment(e, 'mlp lr')).toBe(true);
    expect(matchesExperiment(e, '  ADAM   sweep ')).toBe(true);
    expect(matchesExperiment(e, '')).toBe(true);
  });
  it('refuses when one word is in neither', () => {
    expect(matchesExperiment(e, 'mlp gan')).toBe(false);
  });
});
