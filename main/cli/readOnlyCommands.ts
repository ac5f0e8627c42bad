/**
 * Which CLI commands only read. They open the data folder without a lease and
 * never sweep (main/services/ownerSweep.ts), so listing, showing or exporting
 * runs never changes a run's state — not even a crashed process's run, which
 * the next app, serve or training command marks interrupted. They are also
 * the commands that still work when the data folder is open read-only (its
 * disk is full: main/services/readOnlyStart.ts); every other command is
 * refused before it starts, with the reason on stderr and a non-zero exit,
 * instead of failing halfway with SQLITE_READONLY. Anything not named here
 * holds a lease and sweeps, as the app does.
 */
import { CliError } from './commands';

/** Subcommands that only read, per command; `true`: every form of the command reads. */
const READING: Readonly<Record<string, true | readonly (string | undefined)[]>> = {
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

/** True when `latent <command> <sub>` only reads the data folder. */
export function readsOnly(command: string, sub: string | undefined): boolean {
  const reading = Object.hasOwn(READING, command) ? READING[command] : undefined;
  return reading === true || (reading !== undefined && reading.includes(sub));
}

/** Throws the read-only reason for a command that would write (exit code 1); a reading command goes on. */
export function refuseWhenReadOnly(readOnly: string | null, command: string, sub: string | undefined): void {
  if (readOnly === null || readsOnly(command, sub)) return;
  throw new CliError(`${[command, sub].filter((w) => w !== undefined).join(' ')} was refused: ${readOnly}`, 1);
}
