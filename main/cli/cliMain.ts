/**
 * `npm run cli -- <command>`: headless runs recorded in the same database.
 *   train --config run.json [--set key=value ...] [--experiment NAME] [--data DIR] [--json]
 *   runs [--data DIR] [--json]
 *   show RUN [--data DIR] [--json]
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createServices, defaultDataDir } from '../services/appServices';
import { CliError, listRuns, showRun, train } from './commands';

const usage = `Usage:
  npm run cli -- train --config run.json [--set key=value ...] [--experiment NAME] [--data DIR] [--json]
  npm run cli -- runs [--data DIR] [--json]
  npm run cli -- show RUN [--data DIR] [--json]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      experiment: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return command ? 0 : 2;
  }
  if (!['train', 'runs', 'show'].includes(command)) throw new CliError(`Unknown command "${command}"\n${usage}`);
  if (command === 'train' && !values.config) throw new CliError(`train needs --config FILE\n${usage}`);
  const dataDir = values.data ? path.resolve(values.data) : defaultDataDir();
  const services = createServices({ dataDir });
  try {
    switch (command) {
      case 'train':
        return await train(services, { configPath: values.config!, overrides: values.set ?? [], experiment: values.experiment ?? 'Default', json: values.json }, process.stdout, process.stderr);
      case 'runs':
        return listRuns(services, values.json, process.stdout);
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
    process.stderr.write(`latent: ${(e as Error).message}\n`);
    process.exitCode = code;
  },
);
