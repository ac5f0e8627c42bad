/** Which CLI commands open the data folder read-only (no lease, no sweep: main/cli/readOnlyCommands.ts). */
import { describe, expect, it } from 'vitest';
import { readsOnly } from '../../../main/cli/readOnlyCommands';

describe('readsOnly', () => {
  it('listing, showing, comparing and exporting only read', () => {
    for (const [command, sub] of [['runs', undefined], ['runs', 'list'], ['runs', 'compare'], ['runs', 'export'], ['runs', 'diff'], ['show', '3'], ['export', '3'], ['artifacts', '3'], ['datasets', 'list'], ['architectures', 'show'], ['bundles', 'export'], ['experiments', undefined]] as const) {
      expect(readsOnly(command, sub), `${command} ${sub ?? ''}`).toBe(true);
    }
  });

  it('training, resuming, annotating, deleting, importing and unknown commands hold a lease and sweep', () => {
    for (const [command, sub] of [['train', undefined], ['resume', '3'], ['cancel', '3'], ['runs', 'tag'], ['runs', 'reproduce'], ['runs', 'reevaluate'], ['runs', 'delete'], ['delete', '3'], ['presets', 'launch'], ['bundles', 'import'], ['datasets', 'import'], ['experiments', 'create'], ['toString', undefined]] as const) {
      expect(readsOnly(command, sub), `${command} ${sub ?? ''}`).toBe(false);
    }
  });
});
