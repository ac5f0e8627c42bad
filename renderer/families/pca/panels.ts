/** The PCA baseline's run page is the descriptor's chart, the gallery and the shared sections: no panels of its own. */
import { noRunPanels, type FamilyRunPanels } from '../runPanels';

export const pcaPanels: FamilyRunPanels = noRunPanels;
