/** The RBM's run page is its descriptor's charts and the gallery (filters, Gibbs samples) with the shared sections: no panels of its own. */
import { noRunPanels, type FamilyRunPanels } from '../runPanels';

export const rbmPanels: FamilyRunPanels = noRunPanels;
