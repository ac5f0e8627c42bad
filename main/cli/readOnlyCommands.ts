/**
 * Which CLI commands only read runs. They open the data folder without a
 * lease and never sweep (main/services/ownerSweep.ts), so listing, showing or
 * exporting runs never changes a run's state — not even a crashed process's
 * run, which the next app, serve or training command marks interrupted.
 * Anything not named here holds a lease and sweeps, as the app does.
 */

/** The subcommands that only read, by command; null: every use of the command reads only. */
const READ_ONLY: Readonly<Record<string, readonly (string | undefined)[] | null>> = {
  show: null,
  export: null,
  artifacts: null,
  backends: null,
  runs: [undefined, 'list', 'compare', 'export', 'diff'],
  datasets: ['list'],
  corpora: ['list'],
  references: ['list'],
  presets: ['list'],
  experiments: [undefined, 'list'],
  architectures: ['list', 'show', 'versions'],
  bundles: ['export'],
};

/** Whether `latent <command> <sub>` only reads runs. */
export function readsOnly(command: string, sub: string | undefined): boolean {
  const subs = Object.hasOwn(READ_ONLY, command) ? READ_ONLY[command] : undefined;
  if (subs === undefined) return false;
  return subs === null || subs.includes(sub);
}
