/**
 * `npx latent <command>`: headless runs recorded in the same database.
 *   train --config run.json [--set key=value ...] [--replicas N] [--threads N] [--experiment NAME] [--data DIR] [--json]
 *   runs [list] [--experiment NAME|ID] [--filter EXPR] [--sort COL[:asc|desc]] [--columns a,b,c] [--data DIR] [--json]
 *   runs compare RUN RUN... [--metric KEY]... [--all] [--data DIR] [--json]
 *   runs export RUN... | --filter EXPR | --experiment NAME|ID  --csv|--json [--long] [--metric KEY]... [--out FILE] [--data DIR]
 *   runs tag RUN [TAG ...] [--data DIR] [--json]
 *   runs rename RUN NAME | note RUN TEXT | star|unstar|archive|unarchive RUN [--data DIR] [--json]
 *   runs delete RUN [--yes] [--data DIR] [--json]
 *   runs reproduce RUN [--data DIR] [--json]
 *   runs diff RUN RUN [--data DIR] [--json]
 *   runs reevaluate RUN [--step S] [--samples N] [--data DIR] [--json]
 *   show RUN [--data DIR] [--json]
 *   artifacts RUN [--kind K] [--data DIR] [--json]
 *   datasets list [--data DIR] [--json]
 *   datasets import --kind idx|image-folder --dir DIR --name NAME [--test-fraction F] [--seed N] [--data DIR] [--json]
 *   datasets download --from fashion-mnist|URL --name NAME [--data DIR] [--json]
 *   datasets remove ID [--data DIR] [--json]
 *   corpora list [--data DIR] [--json]
 *   corpora import FILE --name NAME [--data DIR] [--json]
 *   corpora remove ID [--data DIR] [--json]
 *   references list|import DATASET MODEL_JSON|remove DATASET [--data DIR] [--json]
 *   presets list|launch ID [--data DIR] [--json]
 *   architectures list [--family F] [--data DIR] [--json]
 *   architectures show ID[@VERSION] [--data DIR] [--json]
 *   architectures versions ID [--data DIR] [--json]
 *   architectures save --name N --family F --file graph.json [--note TEXT] [--fork-of ID@VERSION] [--data DIR] [--json]
 *   bundles export RUN... | --experiment NAME|ID  --out FILE [--include-datasets] [--data DIR] [--json]
 *   bundles import FILE [--data DIR] [--json]
 *   backends [--json]
 *   cancel RUN | resume RUN | delete RUN [--yes]  [--data DIR] [--json]
 *   export RUN --metrics csv|json [--out FILE] | --samples DIR | --checkpoint DIR  [--data DIR] [--json]
 *   experiments list | create NAME [--description D]  [--data DIR] [--json]
 * Run as `latent …` (bin/latent.cjs: `npx latent`, `npm run -s cli --`). Each
 * command takes only its own options (cliOptions.ts).
 */
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createServices, defaultDataDir } from '../services/appServices';
import { CliError, parseThreads, showRun, train } from './commands';
import { WASM_THREADS_ENV } from '../services/wasmThreadsCheck';
import { readsOnly, refuseWhenReadOnly } from './readOnlyCommands';
import { runsCommand } from './runCommands';
import { untilInterrupted } from './runsWatch';
import { architecturesCommand } from './architectureCommands';
import { corporaCommand } from './corpusCommands';
import { artifactsCommand } from './artifactCommands';
import { referencesCommand } from './referenceCommands';
import { presetsCommand } from './presetCommands';
import { datasetsCommand } from './datasetCommands';
import { bundlesCommand } from './bundleCommands';
import { backendsCommand } from './backendCommands';
import { checkCommandOptions } from './cliOptions';
import { cancelCommand, resumeCommand } from './runControlCommands';
import { exportCommand } from './exportCommands';
import { experimentsCommand } from './experimentCommands';
import { architectureFamilies } from '../../workers/common/families/registry';

const familyChoice = architectureFamilies.join('|');

const usage = `Usage (npx latent …, or npm run -s cli -- …; the same commands):
  npx latent train --config run.json [--set key=value ...] [--replicas N] [--threads N] [--experiment NAME] [--data DIR] [--json]
                                                (--replicas N: a classifier run trains each batch on N threads, wasm/cpu backends; 1 by default)
                                                (--threads N: the wasm backend's matrix kernels use N XNNPACK threads in this run, at most the cores;
                                                 default: Settings → wasm threads, or LATENT_WASM_THREADS)
  npx latent runs [list] [--experiment NAME|ID] [--filter EXPR] [--sort COL[:asc|desc]] [--columns a,b,c] [--data DIR] [--json]
  npx latent runs --watch [--experiment NAME|ID] [--data DIR] [--json]   (live, whichever process trains them; Ctrl-C to stop)
  npx latent runs compare RUN RUN... [--metric KEY]... [--all] [--data DIR] [--json]
  npx latent runs export RUN... | --filter EXPR | --experiment NAME|ID  --csv|--json [--long] [--metric KEY]... [--out FILE] [--data DIR]
  npx latent runs tag RUN [TAG ...] [--data DIR] [--json]      (no tags: clear them)
  npx latent runs rename RUN NAME [--data DIR] [--json]
  npx latent runs note RUN TEXT [--data DIR] [--json]          (no text: clear the notes)
  npx latent runs star|unstar|archive|unarchive RUN [--data DIR] [--json]
  npx latent runs delete RUN [--yes] [--data DIR] [--json]     (removes its records and files; asks unless --yes)
  npx latent runs reproduce RUN [--data DIR] [--json]          (a new run: same config, seed, architecture version, dataset; trains it)
  npx latent runs diff RUN RUN [--data DIR] [--json]           (layers, parameters and edges that differ between their architectures)
  npx latent runs reevaluate RUN [--step S] [--samples N] [--data DIR] [--json]   (a GAN's scores from the generator kept at a scored step, on more samples; default the last step, 10000)
  npx latent show RUN [--data DIR] [--json]                  (--json: with its artifacts and their paths)
  npx latent artifacts RUN [--kind K] [--data DIR] [--json]  (what the run wrote, with the paths on disk)
  npx latent datasets list [--data DIR] [--json]
  npx latent datasets import --kind idx|image-folder --dir DIR --name NAME [--test-fraction F] [--seed N] [--data DIR] [--json]
  npx latent datasets download --from fashion-mnist|URL --name NAME [--data DIR] [--json]   (only when asked: fetches, checks each file's sha256, imports)
  npx latent datasets remove ID [--data DIR] [--json]
  npx latent corpora list [--data DIR] [--json]
  npx latent corpora import FILE --name NAME [--data DIR] [--json]   (a UTF-8 text file, for sequence runs)
  npx latent corpora remove ID [--data DIR] [--json]
  npx latent references list [--data DIR] [--json]   (which classifier scores each dataset's GANs: hash, test accuracy)
  npx latent references import DATASET MODEL_JSON [--data DIR] [--json]   (a TF.js layers model: the dataset's images in, class probabilities out)
  npx latent references remove DATASET [--data DIR] [--json]
  npx latent presets list [--data DIR] [--json]
  npx latent presets launch ID [--data DIR] [--json]   (a ready experiment: its runs in a new experiment, waited for)
  npx latent architectures list [--family ${familyChoice}] [--data DIR] [--json]
  npx latent architectures show ID[@VERSION] [--data DIR] [--json]
  npx latent architectures versions ID [--data DIR] [--json]
  npx latent architectures save --name N --family ${familyChoice} --file graph.json [--note TEXT] [--fork-of ID@VERSION] [--data DIR] [--json]
  npx latent bundles export RUN... | --experiment NAME|ID  --out FILE [--include-datasets] [--data DIR] [--json]   (one .lwbundle: runs, metrics, logs, artifacts, checkpoints; datasets by reference unless included)
  npx latent bundles import FILE [--data DIR] [--json]   (checked whole first; runs already here are skipped)
  npx latent backends [--json]                  (each backend loaded in its own process: the real load errors, and what the GPU build needs)
  npx latent cancel RUN [--data DIR] [--json]   (a run this command does not train is refused, saying where to cancel it)
  npx latent resume RUN [--data DIR] [--json]   (trains a cancelled, interrupted or failed run on from its last checkpoint, here)
  npx latent delete RUN [--yes] [--data DIR] [--json]   (as runs delete)
  npx latent export RUN --metrics csv|json [--out FILE] [--data DIR]   (every point of every metric)
  npx latent export RUN --samples DIR [--data DIR] [--json]      (the run's images, with index.json)
  npx latent export RUN --checkpoint DIR [--data DIR] [--json]   (the last checkpoint as a TF.js layers model: model.json + weights.bin)
  npx latent experiments list [--data DIR] [--json]
  npx latent experiments create NAME [--description D] [--data DIR] [--json]
A runs filter: family = "gan" and (params.lr < 1e-3 or tags has "baseline") and metrics.test_accuracy.best > 0.98
A column (--sort, --columns): an attribute (name, status, family, seed, duration, …), params.<key> or metrics.<key>.<last|best|min|max>
Train a saved architecture with --set 'architecture={"architectureId":ID,"version":V}' (version omitted: the latest).`;

/** A yes/no question on the terminal (stderr, so --json output stays clean); only y or yes agrees. */
async function askYesNo(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    tokens: true,
    options: {
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      replicas: { type: 'string' },
      threads: { type: 'string' },
      experiment: { type: 'string' },
      filter: { type: 'string' },
      sort: { type: 'string' },
      columns: { type: 'string' },
      metric: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      long: { type: 'boolean', default: false },
      out: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      kind: { type: 'string' },
      dir: { type: 'string' },
      name: { type: 'string' },
      'test-fraction': { type: 'string' },
      seed: { type: 'string' },
      family: { type: 'string' },
      file: { type: 'string' },
      note: { type: 'string' },
      'fork-of': { type: 'string' },
      yes: { type: 'boolean', default: false },
      step: { type: 'string' },
      samples: { type: 'string' },
      'include-datasets': { type: 'boolean', default: false },
      from: { type: 'string' },
      metrics: { type: 'string' },
      checkpoint: { type: 'string' },
      description: { type: 'string' },
      help: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return command ? 0 : 2;
  }
  if (!['train', 'runs', 'show', 'artifacts', 'datasets', 'corpora', 'references', 'presets', 'architectures', 'bundles', 'backends', 'cancel', 'resume', 'delete', 'export', 'experiments'].includes(command)) throw new CliError(`Unknown command "${command}"\n${usage}`);
  checkCommandOptions(command, rest[0], tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
  if (command === 'train' && !values.config) throw new CliError(`train needs --config FILE\n${usage}`);
  const dataDir = values.data ? path.resolve(values.data) : defaultDataDir();
  // Listing, showing and exporting change no run's state (main/cli/readOnlyCommands.ts).
  // --threads overrides the wasm threads setting for this invocation only, as LATENT_WASM_THREADS would (process.env is not changed).
  const threads = command === 'train' && values.threads !== undefined ? parseThreads(values.threads) : undefined;
  const env = threads !== undefined ? { ...process.env, [WASM_THREADS_ENV]: String(threads) } : process.env;
  const services = createServices({ dataDir, readOnlyRuns: readsOnly(command, rest[0]), env });
  try {
    // A full disk opened the folder read-only: writing commands are refused with the reason, reading ones note it.
    refuseWhenReadOnly(services.readOnly, command, rest[0]);
    if (services.readOnly !== null) process.stderr.write(`latent: note: ${services.readOnly}\n`);
    switch (command) {
      case 'train':
        return await train(services, { configPath: values.config!, overrides: values.set ?? [], experiment: values.experiment ?? 'Default', json: values.json, ...(values.replicas !== undefined ? { replicas: values.replicas } : {}) }, process.stdout, process.stderr);
      case 'runs':
        return await runsCommand(services, rest, {
          json: values.json,
          yes: values.yes,
          ...(values.watch ? { watch: { clear: process.stdout.isTTY === true, until: untilInterrupted } } : {}),
          confirm: process.stdin.isTTY && process.stderr.isTTY ? askYesNo : null,
          ...(values.experiment !== undefined ? { experiment: values.experiment } : {}),
          ...(values.filter !== undefined ? { filter: values.filter } : {}),
          ...(values.sort !== undefined ? { sort: values.sort } : {}),
          ...(values.columns !== undefined ? { columns: values.columns } : {}),
          ...(values.metric !== undefined ? { metrics: values.metric } : {}),
          all: values.all,
          csv: values.csv,
          long: values.long,
          ...(values.out !== undefined ? { out: path.resolve(values.out) } : {}),
          ...(values.step !== undefined ? { step: values.step } : {}),
          ...(values.samples !== undefined ? { samples: values.samples } : {}),
        }, process.stdout, usage);
      case 'artifacts':
        return artifactsCommand(services, rest, { json: values.json, ...(values.kind !== undefined ? { kind: values.kind } : {}) }, process.stdout, usage);
      case 'datasets':
        return await datasetsCommand(services, rest, {
          json: values.json,
          ...(values.kind !== undefined ? { kind: values.kind } : {}),
          ...(values.dir !== undefined ? { dir: values.dir } : {}),
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values['test-fraction'] !== undefined ? { testFraction: values['test-fraction'] } : {}),
          ...(values.from !== undefined ? { from: values.from } : {}),
          ...(values.seed !== undefined ? { seed: values.seed } : {}),
        }, process.stdout, usage);
      case 'corpora':
        return corporaCommand(services, rest, { json: values.json, ...(values.name !== undefined ? { name: values.name } : {}) }, process.stdout, usage);
      case 'references':
        return await referencesCommand(services, rest, { json: values.json }, process.stdout, usage);
      case 'presets':
        return await presetsCommand(services, rest, { json: values.json }, process.stdout, usage);
      case 'architectures':
        return architecturesCommand(services, rest, {
          json: values.json,
          ...(values.family !== undefined ? { family: values.family } : {}),
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.file !== undefined ? { file: path.resolve(values.file) } : {}),
          ...(values.note !== undefined ? { note: values.note } : {}),
          ...(values['fork-of'] !== undefined ? { forkOf: values['fork-of'] } : {}),
        }, process.stdout, usage);
      case 'bundles':
        return await bundlesCommand(services, rest, {
          json: values.json, includeDatasets: values['include-datasets'],
          ...(values.experiment !== undefined ? { experiment: values.experiment } : {}),
          ...(values.out !== undefined ? { out: values.out } : {}),
        }, process.stdout, usage);
      case 'backends':
        return await backendsCommand(services, values.json, process.stdout);
      case 'cancel':
        return cancelCommand(services, rest, values.json, process.stdout, usage);
      case 'resume':
        return await resumeCommand(services, rest, values.json, process.stdout, process.stderr, usage);
      case 'delete':
        return await runsCommand(services, ['delete', ...rest], { json: values.json, yes: values.yes, confirm: process.stdin.isTTY && process.stderr.isTTY ? askYesNo : null }, process.stdout, usage);
      case 'export':
        return exportCommand(services, rest, {
          json: values.json,
          ...(values.metrics !== undefined ? { metrics: values.metrics } : {}),
          ...(values.samples !== undefined ? { samples: values.samples } : {}),
          ...(values.checkpoint !== undefined ? { checkpoint: values.checkpoint } : {}),
          ...(values.out !== undefined ? { out: values.out } : {}),
        }, process.stdout, process.stderr, usage);
      case 'experiments':
        return experimentsCommand(services, rest, { json: values.json, ...(values.description !== undefined ? { description: values.description } : {}) }, process.stdout, usage);
      default:
        return showRun(services, Number(rest[0]), values.json, process.stdout);
    }
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const parseError = (e as { code?: unknown }).code;
    const code = e instanceof CliError ? e.exitCode : typeof parseError === 'string' && parseError.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
    // Node's own words for an unknown option end in advice about positionals that do not apply here.
    const message = parseError === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? (e as Error).message.replace(/\. To specify a positional argument.*$/s, ' (no command takes it; npx latent --help lists them)')
      : (e as Error).message;
    process.stderr.write(`latent: ${message}\n`);
    process.exitCode = code;
  },
);
