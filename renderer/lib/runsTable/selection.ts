/**
 * Multi-select in the runs table, as file managers do it: a plain click on a
 * row's box toggles that run and makes it the anchor; shift-click selects the
 * range from the anchor to it (in the order shown); ctrl/cmd-click toggles
 * one run and moves the anchor.
 */
export interface Selection {
  ids: ReadonlySet<number>;
  /** The run the next shift-click's range starts from. */
  anchor: number | null;
}

export function emptySelection(): Selection {
  return { ids: new Set(), anchor: null };
}

/**
 * The selection after a click on run `id`'s box, given the ids in the order
 * the table shows them. Shift with an anchor still shown selects the whole
 * range (added to what is selected); otherwise the run is toggled.
 */
export function clickSelect(sel: Selection, id: number, shown: readonly number[], mods: { shift: boolean; toggle: boolean }): Selection {
  const ids = new Set(sel.ids);
  const from = sel.anchor === null ? -1 : shown.indexOf(sel.anchor);
  const to = shown.indexOf(id);
  if (mods.shift && from >= 0 && to >= 0) {
    const [lo, hi] = from <= to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) ids.add(shown[i]!);
    return { ids, anchor: sel.anchor };
  }
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}
