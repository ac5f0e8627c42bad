/** The VAE's run-page components: the posterior-collapse warning, KL per latent dimension, which likelihood its numbers are, the latent tools. */
import RunLatentToolsPanel from '../../components/RunLatentToolsPanel.vue';
import type { FamilyRunPanels } from '../runPanels';
import VaeCollapseWarning from './VaeCollapseWarning.vue';
import VaeKlDimensionsPanel from './VaeKlDimensionsPanel.vue';
import VaeLikelihoodPanel from './VaeLikelihoodPanel.vue';

export const vaePanels: FamilyRunPanels = {
  warnings: [VaeCollapseWarning],
  charts: [VaeKlDimensionsPanel],
  panels: [VaeLikelihoodPanel],
  tools: [RunLatentToolsPanel],
};
