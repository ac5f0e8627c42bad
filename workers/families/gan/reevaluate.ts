/**
 * What the GAN lends the 're-evaluate' analysis (engine/analysis.ts): the
 * generator kept at a scored step (scoredGenerator.ts), rebuilt from the
 * run's architecture and seed, scored again by the same evaluator the run
 * used (evaluation.ts) on `samples` draws of the same fixed noise. With the
 * run's own evalSamples and the same reference classifier (the cached one)
 * this reproduces the recorded scores exactly; with more samples it is the
 * final evaluation of the run at that step.
 */
import { getDatasetEntry } from '../../common/datasets';
import { ganLatentDim, type GanConfig } from '../../common/families/gan/config';
import type { ReferenceClassifierInfo } from '../../common/gallery';
import { loadImageDataset } from '../../data/mnist';
import type { ReevaluateInput, ReevaluateResult } from '../../engine/analysis';
import { loadCheckpoint } from '../../engine/checkpoint';
import type { FamilySink } from '../../engine/sink';
import { obtainReferenceClassifier } from '../classifier/referenceCache';
import { requireModel } from '../familyRun';
import { createGanEvaluator } from './evaluation';
import { buildGan, disposeGan, ganBuildOptions } from './model';
import { ganEvaluationSeed, scoreRecord } from './scoredGenerator';

/** The evaluator reports through a sink; an analysis has no log, and writes no class histogram (no runDir given). */
const quietSink: FamilySink<'gan'> = { metric: () => undefined, progress: () => undefined, log: () => undefined, checkpoint: () => undefined, sample: () => undefined };

export async function reevaluateGan(o: ReevaluateInput<GanConfig>): Promise<ReevaluateResult> {
  const hyper = o.config.hyper;
  const model = requireModel(o.architecture, 'A GAN run has a generator and a discriminator, but its architecture is a single graph');
  const reference = o.reference ?? loadImageDataset(getDatasetEntry(o.config.dataset.id));
  const nets = buildGan(model, reference.inputShape, ganLatentDim(hyper), hyper.seed, ganBuildOptions(hyper, reference.numClasses || undefined));
  try {
    await loadCheckpoint(o.generatorDir, nets.generator);
    const { classifier, cached, identity } = await obtainReferenceClassifier({
      ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
      datasetId: o.config.dataset.id, template: hyper.referenceTemplate, epochs: hyper.referenceEpochs, data: reference, log: () => undefined,
    });
    try {
      const evaluator = await createGanEvaluator({ nets, classifier, reference, samples: o.samples, seed: ganEvaluationSeed(hyper.seed), sink: quietSink, confidenceThreshold: hyper.confidenceThreshold, finalSamples: 0 });
      const scores = scoreRecord(await evaluator.evaluate(o.step, o.epoch));
      const m = classifier.manifest;
      const info: ReferenceClassifierInfo = { template: m.template, accuracy: classifier.accuracy, evaluatedOn: m.evaluatedOn, datasetHash: m.datasetHash, cached, hash: identity.hash, source: identity.source };
      return { scores, reference: info };
    } finally {
      classifier.dispose();
    }
  } finally {
    disposeGan(nets);
  }
}
