/**
 * Picking images into named slots (a, b, c): each click fills the next slot
 * in turn, wrapping around, so A then B (then C), then A again. Pure.
 */
export type PickSelection = Record<string, number | null>;

export function emptySelection(slots: readonly string[]): PickSelection {
  return Object.fromEntries(slots.map((s) => [s, null]));
}

/** The selection after picking `index`, and the slot the next pick fills. */
export function assignPick(selection: PickSelection, slots: readonly string[], nextSlot: number, index: number): { selection: PickSelection; nextSlot: number } {
  if (slots.length === 0) return { selection, nextSlot: 0 };
  const at = ((nextSlot % slots.length) + slots.length) % slots.length;
  return { selection: { ...selection, [slots[at]!]: index }, nextSlot: (at + 1) % slots.length };
}

/** Whether every slot holds an image. */
export function isComplete(selection: PickSelection, slots: readonly string[]): boolean {
  return slots.every((s) => typeof selection[s] === 'number');
}

/** The slots an image fills (an image may be picked twice, e.g. a = c). */
export function slotsOf(selection: PickSelection, slots: readonly string[], index: number): string[] {
  return slots.filter((s) => selection[s] === index);
}
