/** The PCA baseline's run page: the descriptor's charts (error, scree), the gallery, and the latent tools that apply to its linear code. */
import RunLatentToolsPanel from '../../components/RunLatentToolsPanel.vue';
import type { FamilyRunPanels } from '../runPanels';

export const pcaPanels: FamilyRunPanels = { warnings: [], charts: [], panels: [], tools: [RunLatentToolsPanel] };
