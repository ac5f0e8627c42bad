/**
 * The date formats of the date-normalisation task, after the TF.js
 * date-conversion-attention example: a date rendered in one of several
 * common formats is to be rewritten as ISO 8601 (YYYY-MM-DD). Rendering and
 * parsing live together so a test can prove every format round-trips.
 */

export const MONTHS_3 = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/** The input formats, named by their pattern (YYYY four-digit year, YY two-digit, MMM the month's three capitals). */
export const DATE_FORMATS = [
  'DDMMMYYYY', // 23JAN2015
  'MMDDYY', // 012315
  'MM/DD/YY', // 01/23/15
  'MM/DD/YYYY', // 01/23/2015
  'DD-MM-YYYY', // 23-01-2015
  'MMM DD YY', // JAN 23 15
  'MMM DD YYYY', // JAN 23 2015
  'MMM DD, YY', // JAN 23, 15
  'MMM DD, YYYY', // JAN 23, 2015
  'DD.MM.YYYY', // 23.01.2015
  'YYYY.MM.DD', // 2015.01.23
  'YYYYMMDD', // 20150123
  'YYYY-MM-DD', // 2015-01-23 (the target itself: the model must learn to copy it)
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** The longest rendering of any format ('MMM DD, YYYY'), the input length a batcher pads to. */
export const DATE_INPUT_MAX_LENGTH = 12;
/** 'YYYY-MM-DD'. */
export const ISO_DATE_LENGTH = 10;

/** A calendar date; month 1–12, day 1–31. */
export interface CalendarDate { readonly year: number; readonly month: number; readonly day: number }

/** Whether a format writes the year with two digits (and so needs a century to be read back). */
export const usesTwoDigitYear = (format: DateFormat): boolean => !format.includes('YYYY');

/** Every character any format or the ISO target can contain, in a fixed order (the vocabulary's symbols). */
export function dateSymbols(): string[] {
  const letters = [...new Set(MONTHS_3.join(''))].sort();
  return [...'0123456789', '-', '/', '.', ',', ' ', ...letters];
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `date` written in `format`: each pattern field replaced, the separators kept. */
export function formatDate(date: CalendarDate, format: DateFormat): string {
  const fields: Record<string, string> = {
    YYYY: String(date.year).padStart(4, '0'),
    YY: two(date.year % 100),
    MMM: MONTHS_3[date.month - 1] ?? '???',
    MM: two(date.month),
    DD: two(date.day),
  };
  return format.replace(/YYYY|YY|MMM|MM|DD/g, (field) => fields[field] ?? field);
}

/** ISO 8601 calendar date, the task's target. */
export const isoDate = (date: CalendarDate): string => formatDate(date, 'YYYY-MM-DD');

/**
 * Reads `text` written in `format` back to a date. A two-digit year is placed
 * in the century window [centuryStart, centuryStart + 99], which is why the
 * task's spec limits the year range to 100 years when such a format is used.
 * Returns null if the text does not fit the format or names no real date.
 */
export function parseDate(text: string, format: DateFormat, centuryStart: number): CalendarDate | null {
  const pattern = format.replace(/[.]/g, '\\.').replace(/YYYY|YY|MMM|MM|DD/g, (field) => (field === 'MMM' ? `(?<MMM>${MONTHS_3.join('|')})` : `(?<${field}>\\d{${field.length}})`));
  const groups = new RegExp(`^${pattern}$`).exec(text)?.groups;
  if (groups === undefined) return null;
  const month = groups.MMM !== undefined ? MONTHS_3.findIndex((m) => m === groups.MMM) + 1 : Number(groups.MM);
  const day = Number(groups.DD);
  let year: number;
  if (groups.YYYY !== undefined) {
    year = Number(groups.YYYY);
  } else {
    const yy = Number(groups.YY);
    year = centuryStart + ((((yy - centuryStart) % 100) + 100) % 100);
  }
  return isRealDate(year, month, day) ? { year, month, day } : null;
}

/** Whether year-month-day exists in the proleptic Gregorian calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

const DAY_MS = 86_400_000;

/**
 * The date `dayIndex` days after minYear-01-01. Date.UTC is used only as a
 * calendar (no time zone, no clock), so the result is the same everywhere.
 */
export function dateFromDayIndex(minYear: number, dayIndex: number): CalendarDate {
  const d = new Date(Date.UTC(minYear, 0, 1) + dayIndex * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Number of days from minYear-01-01 to maxYear-12-31 inclusive. */
export function daysInYearRange(minYear: number, maxYear: number): number {
  return Math.round((Date.UTC(maxYear + 1, 0, 1) - Date.UTC(minYear, 0, 1)) / DAY_MS);
}
