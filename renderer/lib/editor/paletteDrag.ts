/**
 * Palette items by a stable key, for drag and drop: the drag carries the
 * key (a MIME type of our own, so other drops are ignored) and the drop
 * looks the item up again.
 */
import { paletteGroups, type PaletteItem } from './palette';

export const PALETTE_DRAG_TYPE = 'application/x-latent-layer';

export interface KeyedPaletteItem extends PaletteItem {
  key: string;
  group: string;
}

export const paletteItems: readonly KeyedPaletteItem[] = paletteGroups.flatMap((g) => g.items.map((item, i) => ({ ...item, group: g.id, key: `${g.id}.${i}.${item.kind}` })));

export function paletteItemByKey(key: string): KeyedPaletteItem | undefined {
  return paletteItems.find((i) => i.key === key);
}
