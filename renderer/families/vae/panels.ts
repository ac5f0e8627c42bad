/** The VAE's run-page components: the posterior-collapse warning, KL per latent dimension, the latent tools. */
import RunLatentToolsPanel from '../../components/RunLatentToolsPanel.vue';
import type { FamilyRunPanels } from '../runPanels';
import VaeCollapseWarning from './VaeCollapseWarning.vue';
import VaeKlDimensionsPanel from './VaeKlDimensionsPanel.vue';

export const vaePanels: FamilyRunPanels = {
  warnings: [VaeCollapseWarning],
  charts: [VaeKlDimensionsPanel],
  panels: [],
  tools: [RunLatentToolsPanel],
};
