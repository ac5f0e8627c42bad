/**
 * `hyper.parallelReplicas` (issue 17): the classifier takes 1..64 threads,
 * 1 by default (the one-thread code path); every other family refuses more
 * than one with a message that says why, and ignores an explicit 1.
 */
import { describe, expect, it } from 'vitest';
import { parallelReplicasIssue, runConfigSchema } from '../../../workers/common/families/registry';

function issues(raw: unknown): string[] {
  const r = runConfigSchema.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('parallelReplicas in the run config', () => {
  it('defaults to 1 for a classifier and keeps a chosen count', () => {
    const plain = runConfigSchema.parse({ family: 'classifier' });
    expect(plain.family === 'classifier' && plain.hyper.parallelReplicas).toBe(1);
    const two = runConfigSchema.parse({ family: 'classifier', hyper: { parallelReplicas: 2 } });
    expect(two.family === 'classifier' && two.hyper.parallelReplicas).toBe(2);
  });

  it('refuses a classifier count that is not a whole number from 1 to 64', () => {
    expect(issues({ family: 'classifier', hyper: { parallelReplicas: 0 } })).toEqual(['hyper.parallelReplicas: parallelReplicas must be at least 1 (1 trains on one thread)']);
    expect(issues({ family: 'classifier', hyper: { parallelReplicas: 1.5 } })).toEqual(['hyper.parallelReplicas: parallelReplicas must be a whole number']);
    expect(issues({ family: 'classifier', hyper: { parallelReplicas: 65 } })).toEqual(['hyper.parallelReplicas: parallelReplicas must be at most 64']);
  });

  it.each(['vae', 'gan', 'autoencoder', 'rbm'])('refuses more than one thread for a %s run, saying why', (family) => {
    const message = `hyper.parallelReplicas: parallelReplicas (data-parallel training on several threads) is for classifier runs only: its shared step computes the classifier's loss, and a ${family} run trains on one thread (leave parallelReplicas out, or set it to 1)`;
    expect(issues({ family, hyper: { parallelReplicas: 2 } })).toEqual([message]);
  });

  it('accepts and drops an explicit 1 on another family (its config keeps no such key)', () => {
    const vae = runConfigSchema.parse({ family: 'vae', hyper: { parallelReplicas: 1 } });
    expect(Object.keys(vae.hyper)).not.toContain('parallelReplicas');
    expect(parallelReplicasIssue({ family: 'vae', hyper: { parallelReplicas: 1 } })).toBeUndefined();
    expect(parallelReplicasIssue({ family: 'classifier', hyper: { parallelReplicas: 8 } })).toBeUndefined();
  });
});
