/** The GAN re-evaluate tool's pure logic: scored steps, the request's bounds, a document read back as rows. */
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import { latestReevaluation, parseReevaluation, reevaluateRequest, reevaluationRows, scoredSteps } from '../../../renderer/families/gan/reevaluation';

const art = (id: number, kind: string, step: number): ArtifactInfo => ({ id, runId: 1, kind, step, meta: {}, createdAt: id, mime: 'application/json' });

describe('the re-evaluate tool', () => {
  it('offers each scored step once, ascending, and shows the newest re-evaluation', () => {
    const list = [art(1, 'scored-generator', 4), art(2, 'samples', 4), art(3, 'scored-generator', 0), art(4, 'scored-generator', 4), art(5, 're-evaluation', 4), art(6, 're-evaluation', 0)];
    expect(scoredSteps(list)).toEqual([0, 4]);
    expect(latestReevaluation(list)?.id).toBe(6);
    expect(latestReevaluation([])).toBeUndefined();
  });

  it('asks for 10,000 samples at the last step by default, and refuses counts outside 100..50000', () => {
    expect(reevaluateRequest(null, '10000')).toEqual({ success: true, data: { kind: 're-evaluate', samples: 10_000 } });
    expect(reevaluateRequest(8, '2000')).toEqual({ success: true, data: { kind: 're-evaluate', step: 8, samples: 2000 } });
    for (const bad of ['99', '50001', '', '1e3.5', 'x']) expect(reevaluateRequest(null, bad)?.success, bad).toBe(false);
  });

  it('reads a document as rows of score, now and recorded (5 significant digits), and refuses one that is not', () => {
    const doc = {
      step: 4, epoch: 1, samples: 10_000, scores: { inception_score: 8.123456, frechet_distance: 3.5 },
      recorded: { samples: 1000, scores: { inception_score: 7.9, frechet_distance: 4.25, conditional_accuracy: 0.9 } },
      reference: { template: 'lenet', accuracy: 0.99, evaluatedOn: 10_000, datasetHash: 'mnist', cached: true },
    };
    const d = parseReevaluation(doc)!;
    expect(d.reference.cached).toBe(true);
    expect(reevaluationRows(d)).toEqual([
      { key: 'inception_score', now: '8.1235', recorded: '7.9' },
      { key: 'frechet_distance', now: '3.5', recorded: '4.25' },
      { key: 'conditional_accuracy', now: '—', recorded: '0.9' },
    ]);
    expect(parseReevaluation({ ...doc, samples: '10000' })).toBeNull();
    expect(parseReevaluation({ ...doc, reference: undefined })).toBeNull();
    expect(parseReevaluation(null)).toBeNull();
  });
});
