/**
 * `npx latent references list|import|remove`: which classifier scores
 * each dataset's generative runs (its weights' hash and test accuracy), and
 * the user's own feature extractors, through the same validated API.
 */
import * as path from 'node:path';
import { ApiError, parseRequest } from '../common/api';
import type { ReferenceClassifierEntry, ReferenceClassifierInfo } from '../common/domain';
import { accuracyText, shortHash } from '../../workers/common/referenceIdentity';
import type { AppServices } from '../services/appServices';
import { CliError } from './commands';

/** ApiErrors become CLI errors: a refused model or bad input exits 2, a missing dataset or extractor 1. */
function cliError(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  return new CliError(e.message, e.code === 'bad-request' ? 2 : 1);
}

function entryLine(e: ReferenceClassifierEntry): string {
  const id = e.identity;
  const hash = id.hash === '' ? 'sha256 not yet recorded (computed when next used)' : `sha256:${shortHash(id.hash)}`;
  const made = id.source === 'imported' ? `imported from ${e.importedFrom ?? '?'}` : `${id.template}, ${id.epochs} epoch${id.epochs === 1 ? '' : 's'} on ${id.trainedOn} images`;
  return `${hash}  ${made}; ${accuracyText(id)}`;
}

/** One block per dataset: what scores its GANs now, then every classifier kept for it. */
export function formatReferences(list: readonly ReferenceClassifierInfo[]): string {
  return list.map((d) => {
    const head = `${d.datasetId} (${d.datasetName}): scored by ${d.imported ? 'its imported feature extractor' : d.trained.length > 0 ? 'a trained reference classifier (the run\'s template and epochs)' : 'a reference classifier trained on first need'}`;
    const lines = [
      ...(d.imported ? [`  imported  ${entryLine(d.imported)}`] : []),
      ...d.trained.map((t) => `  trained   ${entryLine(t)}`),
    ];
    return [head, ...lines].join('\n');
  }).join('\n') + '\n';
}

export function referencesCommand(s: AppServices, args: string[], o: { json: boolean }, out: NodeJS.WritableStream, usage: string): Promise<number> | number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'list': {
        const list = s.referenceClassifiers.list();
        out.write(o.json ? `${JSON.stringify(list)}\n` : formatReferences(list));
        return 0;
      }
      case 'import': {
        const [datasetId, file] = rest;
        if (!datasetId || !file) throw new CliError(`references import needs a dataset id and the path of a model.json (or its folder)\n${usage}`);
        const req = parseRequest('referenceClassifiers.import', { datasetId, path: path.resolve(file) });
        return s.referenceClassifiers.import(req).then((info) => {
          out.write(o.json ? `${JSON.stringify(info)}\n` : formatReferences([info]));
          return 0;
        }, (e: unknown) => { throw cliError(e); });
      }
      case 'remove': {
        const datasetId = rest[0];
        if (!datasetId) throw new CliError(`references remove needs a dataset id\n${usage}`);
        const removal = s.referenceClassifiers.remove(parseRequest('referenceClassifiers.remove', { datasetId }).datasetId);
        out.write(o.json ? `${JSON.stringify(removal)}\n` : `${removal.message}\n`);
        return 0;
      }
      default:
        throw new CliError(`references needs list, import or remove${sub ? `, not "${sub}"` : ''}\n${usage}`);
    }
  } catch (e) {
    throw cliError(e);
  }
}
