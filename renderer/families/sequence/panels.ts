/**
 * The sequence family's run-page components. The gradient-through-time
 * chart goes in the chart grid, beside the global gradient-norm chart it
 * explains (both are gradient diagnostics read together: a spike there, the
 * flow through time here). The generated text and the attention maps are
 * wide, text-heavy panels: they go before the gallery. The family logs no
 * images, so the gallery stays hidden (the default: its descriptor declares
 * data artifacts only). Each panel shows only when the run logged its kind.
 */
import type { FamilyRunPanels } from '../runPanels';
import SequenceAttentionPanel from './SequenceAttentionPanel.vue';
import SequenceGttPanel from './SequenceGttPanel.vue';
import SequenceTextPanel from './SequenceTextPanel.vue';

export const sequencePanels: FamilyRunPanels = {
  warnings: [],
  charts: [SequenceGttPanel],
  panels: [SequenceTextPanel, SequenceAttentionPanel],
  tools: [],
};
