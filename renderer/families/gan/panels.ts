/**
 * The GAN's run-page components: the mode-collapse warning, the classes of
 * the samples and the toy density before the gallery, the interpolation
 * between samples and the re-evaluation of the scores after it. A GAN on a 2-D toy logs no images: no gallery
 * until one arrives.
 */
import type { FamilyRunPanels } from '../runPanels';
import { isToyRun } from './ganRun';
import GanClassHistogramSection from './GanClassHistogramSection.vue';
import GanInterpolationSection from './GanInterpolationSection.vue';
import GanModeCollapseWarning from './GanModeCollapseWarning.vue';
import GanReevaluateSection from './GanReevaluateSection.vue';
import GanToyDensitySection from './GanToyDensitySection.vue';

export const ganPanels: FamilyRunPanels = {
  warnings: [GanModeCollapseWarning],
  charts: [],
  panels: [GanClassHistogramSection, GanToyDensitySection],
  tools: [GanInterpolationSection, GanReevaluateSection],
  expectsImages: (p) => !isToyRun(p),
};
