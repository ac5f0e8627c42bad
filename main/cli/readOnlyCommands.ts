/**
 * Which CLI commands only read, so they still work when the data folder is
 * open read-only (its disk is full: main/services/readOnlyStart.ts); every
 * other command is refused before it starts, with the reason on stderr and a
 * non-zero exit, instead of failing halfway with SQLITE_READONLY.
 */
import { CliError } from './commands';

/** Subcommands that only read, per command; `true`: every form of the command reads. */
const READING: Record<string, true | readonly (string | undefined)[]> = {
  show: true,
  artifacts: true,
  backends: true,
  // export writes only to --out (any disk), reading the database.
  export: true,
  runs: [undefined, 'list', 'compare', 'export', 'diff'],
  datasets: [undefined, 'list'],
  corpora: [undefined, 'list'],
  references: [undefined, 'list'],
  presets: [undefined, 'list'],
  architectures: [undefined, 'list', 'show', 'versions'],
  experiments: [undefined, 'list'],
  bundles: ['export'],
};

/** True when `command sub` only reads the data folder. */
export function readsOnly(command: string, sub: string | undefined): boolean {
  const reading = READING[command];
  return reading === true || (reading !== undefined && reading.includes(sub));
}

/** Throws the read-only reason for a command that would write (exit code 1); a reading command goes on. */
export function refuseWhenReadOnly(readOnly: string | null, command: string, sub: string | undefined): void {
  if (readOnly === null || readsOnly(command, sub)) return;
  throw new CliError(`${[command, sub].filter((w) => w !== undefined).join(' ')} was refused: ${readOnly}`, 1);
}
