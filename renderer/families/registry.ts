/**
 * The run-page components of every family, one line each (runPanels.ts says
 * what an entry holds). `satisfies Record<Family, …>` makes a family missing
 * here a type error. A new family's run page is its descriptor's charts
 * (workers/common/families/<family>/charts.ts) plus what its
 * renderer/families/<family>/panels.ts lists.
 */
import type { Family } from '../../workers/common/families/registry';
import type { FamilyRunPanels } from './runPanels';
import { autoencoderPanels } from './autoencoder/panels';
import { classifierPanels } from './classifier/panels';
import { ganPanels } from './gan/panels';
import { pcaPanels } from './pca/panels';
import { pixelCnnPanels } from './pixelcnn/panels';
import { rbmPanels } from './rbm/panels';
import { sequencePanels } from './sequence/panels';
import { vaePanels } from './vae/panels';

export const familyPanels = {
  classifier: classifierPanels,
  autoencoder: autoencoderPanels,
  vae: vaePanels,
  gan: ganPanels,
  pca: pcaPanels,
  rbm: rbmPanels,
  sequence: sequencePanels,
  pixelcnn: pixelCnnPanels,
} satisfies Record<Family, FamilyRunPanels>;

/** The run-page components of a family. */
export function panelsOf(family: Family): FamilyRunPanels {
  return familyPanels[family];
}
