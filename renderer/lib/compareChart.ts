/**
 * What one compare chart draws, decided outside the component so it can be
 * tested: a line per run (smoothed over its faint raw line), or with grouping
 * a line per group (the mean of its runs' smoothed lines) with its band, and
 * the points a log axis cannot show taken out and counted for the caption.
 */
import { runColor, type CompareLine } from './compare';
import { groupLine, type BandKind, type RunGroup } from './compareGroups';

/** One drawn line: its main data, the faint raw line under it, and a band around it. */
export interface DrawnLine {
  /** `run:<id>` or `group:<key>`. */
  id: string;
  name: string;
  color: string;
  /** The runs behind the line (one unless grouped). */
  runIds: number[];
  main: [number, number][];
  faint: [number, number][] | null;
  band: { lower: [number, number][]; upper: [number, number][] } | null;
}

/**
 * The chart's lines. Ungrouped (`groups` null): each run's smoothed line over
 * its raw one, or the raw one alone. Grouped: each group's mean of its runs'
 * lines (smoothed when smoothing is on) in its first run's colour, named with
 * `n = <runs with data>`, with a band when two or more runs have data (one
 * run's band would have no width). A group none of whose runs has this metric
 * is not drawn.
 */
export function drawnLines(lines: readonly CompareLine[], groups: readonly RunGroup[] | null, band: BandKind, names: Readonly<Record<number, string>>): DrawnLine[] {
  if (groups === null) {
    return lines.map((l) => ({
      id: `run:${l.runId}`, name: names[l.runId] ?? `run ${l.runId}`, color: runColor(l.runId), runIds: [l.runId],
      main: l.smoothed ?? l.raw, faint: l.smoothed ? l.raw : null, band: null,
    }));
  }
  return groups.flatMap((g): DrawnLine[] => {
    const members = lines.filter((l) => g.runIds.includes(l.runId));
    if (members.length === 0) return [];
    const gl = groupLine(members.map((l) => l.smoothed ?? l.raw), band);
    return [{
      id: `group:${g.key}`, name: `${g.label} (n = ${members.length})`, color: runColor(g.runIds[0]!), runIds: members.map((l) => l.runId),
      main: gl.mean, faint: null, band: members.length >= 2 ? { lower: gl.lower, upper: gl.upper } : null,
    }];
  });
}

/**
 * The lines as log axes can draw them: with a log x, points at x ≤ 0 are
 * removed (from the band too, which shares the x); with a log y, finite
 * values ≤ 0 become NaN (a gap), a band's lower edge too. `omitted` counts
 * the main lines' points left out, for the caption (bands and the faint raw
 * lines are trimmed alike but not counted again).
 */
export function forLogAxes(lines: readonly DrawnLine[], logX: boolean, logY: boolean): { lines: DrawnLine[]; omitted: number } {
  if (!logX && !logY) return { lines: [...lines], omitted: 0 };
  let omitted = 0;
  const fix = (data: readonly [number, number][], count: boolean): [number, number][] => data.flatMap(([x, y]): [number, number][] => {
    const badX = logX && !(x > 0);
    const badY = logY && Number.isFinite(y) && y <= 0;
    if (count && (badX || badY)) omitted++;
    if (badX) return [];
    return [[x, badY ? Number.NaN : y]];
  });
  const out = lines.map((l) => ({
    ...l,
    main: fix(l.main, true),
    faint: l.faint ? fix(l.faint, false) : null,
    band: l.band ? { lower: fix(l.band.lower, false), upper: fix(l.band.upper, false) } : null,
  }));
  return { lines: out, omitted };
}
