/** The autoencoder's run-page components: the latent tools. */
import RunLatentToolsPanel from '../../components/RunLatentToolsPanel.vue';
import type { FamilyRunPanels } from '../runPanels';

export const autoencoderPanels: FamilyRunPanels = { warnings: [], charts: [], panels: [], tools: [RunLatentToolsPanel] };
