/** The classifier's run page is the descriptor's charts and the shared sections: no panels of its own. */
import { noRunPanels, type FamilyRunPanels } from '../runPanels';

export const classifierPanels: FamilyRunPanels = noRunPanels;
