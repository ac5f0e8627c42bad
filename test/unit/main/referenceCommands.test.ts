/** The CLI's table of reference classifiers: what scores each dataset's GANs, with hash and accuracy. */
import { describe, expect, it } from 'vitest';
import { formatReferences } from '../../../main/cli/referenceCommands';

const trained = {
  identity: { hash: '0123456789abcdef'.repeat(4), testAccuracy: 0.9871, evaluatedOn: 10000, template: 'lenet', epochs: 2, trainedOn: 60000, source: 'trained' as const, datasetId: 'mnist' },
  dir: 'cache/reference-classifiers/mnist-n60000-lenet-e2', createdAt: '2025-01-01T00:00:00.000Z', importedFrom: null,
};

describe('formatReferences', () => {
  it('says which classifier scores each dataset and quotes hash, how it was made and accuracy with its sample size', () => {
    const imported = { ...trained, identity: { ...trained.identity, hash: 'f'.repeat(64), template: 'imported', epochs: 0, trainedOn: 0, source: 'imported' as const, testAccuracy: 0.5, evaluatedOn: 50, datasetId: 'digits' }, importedFrom: '/m/model.json' };
    expect(formatReferences([
      { datasetId: 'mnist', datasetName: 'MNIST', imported: null, trained: [trained, { ...trained, identity: { ...trained.identity, hash: '' } }] },
      { datasetId: 'digits', datasetName: 'Digits', imported, trained: [] },
      { datasetId: 'empty', datasetName: 'Empty', imported: null, trained: [] },
    ])).toBe([
      "mnist (MNIST): scored by a trained reference classifier (the run's template and epochs)",
      '  trained   sha256:0123456789ab  lenet, 2 epochs on 60000 images; 98.71 % test accuracy on 10000 images',
      '  trained   sha256 not yet recorded (computed when next used)  lenet, 2 epochs on 60000 images; 98.71 % test accuracy on 10000 images',
      'digits (Digits): scored by its imported feature extractor',
      '  imported  sha256:ffffffffffff  imported from /m/model.json; 50.00 % test accuracy on 50 images',
      'empty (Empty): scored by a reference classifier trained on first need',
      '',
    ].join('\n'));
  });
});
