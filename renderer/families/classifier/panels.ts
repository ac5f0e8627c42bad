/**
 * The classifier's run-page components: the divergence warning above the
 * charts; where the quoted test numbers were read (best validation epoch),
 * the test set's confusion matrix and its most confident mistakes before the
 * gallery; the feature maps of a chosen test image after it.
 */
import type { FamilyRunPanels } from '../runPanels';
import ClassifierBestEpoch from './ClassifierBestEpoch.vue';
import ClassifierConfusionSection from './ClassifierConfusionSection.vue';
import ClassifierDivergedWarning from './ClassifierDivergedWarning.vue';
import ClassifierFeatureMapsTool from './ClassifierFeatureMapsTool.vue';
import ClassifierMisclassifiedSection from './ClassifierMisclassifiedSection.vue';

export const classifierPanels: FamilyRunPanels = {
  warnings: [ClassifierDivergedWarning],
  charts: [],
  panels: [ClassifierBestEpoch, ClassifierConfusionSection, ClassifierMisclassifiedSection],
  tools: [ClassifierFeatureMapsTool],
};
