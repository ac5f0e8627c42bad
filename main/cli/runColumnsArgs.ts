/**
 * The CLI's `--columns a,b,c` and `--sort COL[:asc|desc]` over the runs
 * table's column ids (main/common/savedView.ts), the text of a column's value
 * in a terminal table, and the aligned table itself.
 */
import { parseRunColumn, runAttributeColumns, type RunColumn } from '../common/savedView';
import type { ColumnValue } from '../common/runColumns';
import { CliError } from './commands';
import { formatDuration } from './progressBar';

/** What a column id may be, for the message that refuses a bad one. */
export const COLUMN_FORMS = `a column is an attribute (${runAttributeColumns.join(', ')}), params.<key> or metrics.<key>.<last|best|min|max>`;

/** A column id read, or a usage error (exit 2) that names it and lists the valid forms. */
export function parseColumnArg(id: string, option: string): RunColumn {
  const c = parseRunColumn(id);
  if (!c) throw new CliError(`${option}: unknown column "${id}"; ${COLUMN_FORMS}`);
  return c;
}

/** `--columns a,b,c`: the ids in order, spaces around the commas allowed; an empty list is refused. */
export function parseColumnsArg(text: string): RunColumn[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.every((id) => id === '')) throw new CliError(`--columns needs at least one column; ${COLUMN_FORMS}`);
  return ids.map((id) => parseColumnArg(id, '--columns'));
}

export interface SortArg {
  column: RunColumn;
  dir: 'asc' | 'desc';
}

/**
 * `--sort COL[:asc|desc]` (ascending unless said). The direction is split off
 * at the last colon only when what follows is asc or desc, so a column id is
 * never cut elsewhere.
 */
export function parseSortArg(text: string): SortArg {
  const m = /^(.*):(asc|desc)$/i.exec(text.trim());
  const id = (m ? m[1]! : text).trim();
  const dir = m?.[2]?.toLowerCase() === 'desc' ? 'desc' : 'asc';
  if (id === '') throw new CliError(`--sort needs a column: --sort COL[:asc|desc]; ${COLUMN_FORMS}`);
  return { column: parseColumnArg(id, '--sort'), dir };
}

/** A number as a table shows it: at most 6 significant digits, exact integers as they are, non-finite spelt out. */
export function numberCell(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : String(Number(v.toPrecision(6)));
}

/** A column's value as the table prints it: times as ISO dates (UTC), durations as 1m05s, none as "-". */
export function columnText(c: RunColumn, v: ColumnValue): string {
  if (v === null) return '-';
  if (typeof v !== 'number') return String(v);
  if (c.kind === 'attribute' && (c.name === 'created' || c.name === 'started')) return new Date(v).toISOString().slice(0, 19).replace('T', ' ');
  if (c.kind === 'attribute' && c.name === 'duration') return formatDuration(v);
  return numberCell(v);
}

/**
 * Rows under a header, each column as wide as its widest cell, two spaces
 * apart, trailing spaces trimmed; columns marked in `right` are right-aligned
 * (numbers), the rest left-aligned.
 */
export function alignedTable(head: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]): string => head.map((_, i) => {
    const cell = r[i] ?? '';
    return right[i] === true ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
  }).join('  ').trimEnd();
  return `${[head, ...rows].map(fmt).join('\n')}\n`;
}
