/**
 * Which options each command takes. node's parseArgs (strict) refuses an
 * option no command knows; this refuses one that the command given does not
 * take (`runs list --config x` was silently ignored), naming it and listing
 * what the command does take. A new option is added to cliMain's parseArgs
 * table and to the commands here that read it.
 */
import { CliError } from './commands';

/** Every command takes these. */
const common = ['data', 'json', 'help'];

/**
 * The options of `command sub`, else of `command` (a command without
 * subcommands, or options all its subcommands share). `runs` alone is
 * `runs list`.
 */
export const commandOptions: Readonly<Record<string, readonly string[]>> = {
  train: ['config', 'set', 'replicas', 'threads', 'experiment'],
  'runs list': ['experiment', 'filter', 'sort', 'columns', 'watch'],
  'runs compare': ['metric', 'all'],
  'runs export': ['experiment', 'filter', 'csv', 'long', 'metric', 'out'],
  'runs tag': [], 'runs rename': [], 'runs note': [], 'runs star': [], 'runs unstar': [], 'runs archive': [], 'runs unarchive': [],
  'runs delete': ['yes'],
  'runs reproduce': [], 'runs diff': [],
  'runs reevaluate': ['step', 'samples'],
  show: [],
  artifacts: ['kind'],
  cancel: [],
  resume: [],
  delete: ['yes'],
  export: ['metrics', 'samples', 'checkpoint', 'out'],
  'experiments list': [],
  'experiments create': ['description'],
  'datasets list': [], 'datasets remove': [],
  'datasets import': ['kind', 'dir', 'name', 'test-fraction', 'seed'],
  'datasets download': ['from', 'name'],
  'corpora list': [], 'corpora remove': [], 'corpora import': ['name'],
  references: [],
  presets: [],
  'architectures list': ['family'], 'architectures show': [], 'architectures versions': [],
  'architectures save': ['name', 'family', 'file', 'note', 'fork-of'],
  'bundles export': ['experiment', 'out', 'include-datasets'], 'bundles import': [],
  backends: [],
};

/** The options table's key for a command line: `runs` → `runs list`; a subcommand's own entry when it has one. */
export function commandKey(command: string, sub: string | undefined): string {
  if (command === 'runs' && sub === undefined) return 'runs list';
  if (command === 'experiments' && sub === undefined) return 'experiments list';
  const own = sub === undefined ? undefined : `${command} ${sub}`;
  return own !== undefined && Object.hasOwn(commandOptions, own) ? own : command;
}

/**
 * Refuses options the command does not take, naming them and the command's own
 * (exit 2). An unknown command or subcommand is left to the command, which
 * says what it expects.
 */
export function checkCommandOptions(command: string, sub: string | undefined, given: readonly string[]): void {
  const key = commandKey(command, sub);
  if (!Object.hasOwn(commandOptions, key)) return;
  const takes = [...(commandOptions[key] ?? []), ...common];
  const wrong = [...new Set(given.filter((g) => !takes.includes(g)))];
  if (wrong.length === 0) return;
  const named = wrong.map((w) => `--${w}`).join(', ');
  throw new CliError(`${key} does not take ${named}; it takes ${takes.filter((t) => t !== 'help').map((t) => `--${t}`).join(', ')}`);
}
