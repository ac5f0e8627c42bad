/**
 * The compare view's display settings beyond the runs, metrics, x axis and
 * smoothing weight (which compare.ts reads): grouping, band, log axes and the
 * smoothing kind, read from and written to the URL's query, so a reload or a
 * shared link shows the same view. Defaults are left out of the query, so
 * untouched views keep short URLs.
 */
import type { BandKind, GroupBy } from './compareGroups';

/** TensorBoard's per-point EMA, or the time-weighted one whose decay follows the x distance. */
export type SmoothingKind = 'ema' | 'time-weighted';

export interface CompareSettings {
  /** null: not chosen, so the view picks (by seed when that groups two runs, else none). */
  group: GroupBy | null;
  band: BandKind;
  logX: boolean;
  logY: boolean;
  smoothingKind: SmoothingKind;
}

export const defaultCompareSettings: CompareSettings = { group: null, band: 'minmax', logX: false, logY: false, smoothingKind: 'ema' };

/** A grouping as the query (and the group select) spells it: `none`, `seed` or `param:<key>`. */
export function groupByText(group: GroupBy): string {
  return group.kind === 'param' ? `param:${group.key}` : group.kind;
}

/** The grouping a query value names, or null when it names none (absent or malformed). */
export function parseGroupBy(value: unknown): GroupBy | null {
  if (value === 'none' || value === 'seed') return { kind: value };
  if (typeof value === 'string' && value.startsWith('param:') && value.length > 'param:'.length) return { kind: 'param', key: value.slice('param:'.length) };
  return null;
}

/** The settings a query holds; anything missing or malformed is the default. */
export function parseCompareSettings(query: Readonly<Record<string, unknown>>): CompareSettings {
  return {
    group: parseGroupBy(query['group']),
    band: query['band'] === 'std' ? 'std' : 'minmax',
    logX: query['logx'] === '1',
    logY: query['logy'] === '1',
    smoothingKind: query['smoothKind'] === 'time-weighted' ? 'time-weighted' : 'ema',
  };
}

/** The query entries for the settings: undefined (left out of the URL) for each default. */
export function compareSettingsQuery(s: CompareSettings): Record<'group' | 'band' | 'logx' | 'logy' | 'smoothKind', string | undefined> {
  return {
    group: s.group ? groupByText(s.group) : undefined,
    band: s.band === 'minmax' ? undefined : s.band,
    logx: s.logX ? '1' : undefined,
    logy: s.logY ? '1' : undefined,
    smoothKind: s.smoothingKind === 'ema' ? undefined : s.smoothingKind,
  };
}

/** Query keys that are not display settings: the runs compared and the saved view the compare was opened from. */
const NOT_SETTINGS: ReadonlySet<string> = new Set(['runs', 'view']);
const MAX_SETTING_KEY = 40;
const MAX_SETTING_VALUE = 2000;

/**
 * The compare view's settings as a saved view's `compare` record: every text
 * entry of the query but the runs and the view (metrics, x, smooth, group, …,
 * as the URL spells them), within the saved view's bounds.
 */
export function compareQueryRecord(query: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (NOT_SETTINGS.has(key) || typeof value !== 'string' || key.length > MAX_SETTING_KEY || value.length > MAX_SETTING_VALUE) continue;
    out[key] = value;
  }
  return out;
}

/**
 * The compare URL's query for these runs with a saved view's settings, and
 * the view's id (so the compare view can save its settings back to it).
 */
export function compareQueryFor(runIds: readonly number[], compare: Readonly<Record<string, string>>, viewId: number | null): Record<string, string> {
  return { ...compareQueryRecord(compare), runs: runIds.join(','), ...(viewId !== null ? { view: String(viewId) } : {}) };
}
