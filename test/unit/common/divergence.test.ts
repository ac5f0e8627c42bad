import { describe, expect, it } from 'vitest';
import { divergence, type DivergenceFacts } from '../../../workers/common/families/divergence';

/** A finished classifier on 10 classes that learnt: epoch loss 0.9 → 0.3, test accuracy 91 %. */
const healthy: DivergenceFacts = {
  family: 'classifier', status: 'done', numClasses: 10, firstLoss: 0.9,
  latest: { loss: 0.25, epoch_loss: 0.3, accuracy: 0.92, test_accuracy: 0.91, val_accuracy: 0.9 },
};

describe('divergence rule', () => {
  it('leaves a run that learnt alone', () => {
    expect(divergence(healthy)).toBeNull();
  });

  it('flags a final loss above 1.5× the first epoch loss, with both numbers', () => {
    const v = divergence({ ...healthy, latest: { ...healthy.latest, epoch_loss: 1.4 } });
    expect(v?.rule).toBe('loss-rose');
    expect(v?.reason).toMatch(/epoch_loss ended at 1\.40, 1\.6× its first epoch's 0\.900/);
    // 1.35 = 1.5 × 0.9 exactly is not "above".
    expect(divergence({ ...healthy, latest: { ...healthy.latest, epoch_loss: 1.35 } })).toBeNull();
  });

  it('flags a non-finite final loss (null on the wire, NaN in process)', () => {
    expect(divergence({ ...healthy, latest: { ...healthy.latest, epoch_loss: null } })?.rule).toBe('non-finite');
    expect(divergence({ ...healthy, latest: { ...healthy.latest, epoch_loss: Number.NaN } })?.rule).toBe('non-finite');
  });

  it('flags accuracy within 5 points of chance (1/numClasses), reading test accuracy first', () => {
    const atChance = { ...healthy, firstLoss: undefined, latest: { epoch_loss: 14.5, accuracy: 0.5, test_accuracy: 0.098 } };
    const v = divergence(atChance);
    expect(v?.rule).toBe('chance');
    expect(v?.reason).toMatch(/test_accuracy 9\.8 %: within 5 points of chance \(1\/10 = 10\.0 %\)/);
    // 15.1 % is more than 5 points above chance: not flagged.
    expect(divergence({ ...atChance, latest: { ...atChance.latest, test_accuracy: 0.151 } })).toBeNull();
    // Two classes: chance is 50 %, 54 % is at chance.
    expect(divergence({ ...atChance, numClasses: 2, latest: { epoch_loss: 0.69, test_accuracy: 0.54 } })?.rule).toBe('chance');
    // Without the number of classes the chance rule cannot apply.
    expect(divergence({ ...atChance, numClasses: undefined })).toBeNull();
  });

  it('judges finished runs of families that name their keys only', () => {
    expect(divergence({ ...healthy, status: 'running', latest: { epoch_loss: null } })).toBeNull();
    expect(divergence({ ...healthy, family: 'rbm', latest: { epoch_loss: null } })).toBeNull();
    expect(divergence({ ...healthy, family: 'nonsense' })).toBeNull();
  });
});
