/** The PixelCNN's run page is its descriptor's charts (training and held-out NLL, bits/dim) with the shared sections: no panels of its own yet (sampling is a later slice). */
import { noRunPanels, type FamilyRunPanels } from '../runPanels';

export const pixelCnnPanels: FamilyRunPanels = noRunPanels;
