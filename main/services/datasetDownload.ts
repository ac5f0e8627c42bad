/**
 * The one place the services reach the internet, and only when the user asks
 * ("Download…" on the Datasets page, datasets.download): fetch a known public
 * IDX set (each file checked against its published sha256) or the four IDX
 * files under a URL the user gives (their sha256 recorded on this first
 * download), into a folder that DatasetService.import then reads like any
 * other. A machine without a network gets "This machine appears to be
 * offline: …", and nothing is recorded.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../common/api';
import { downloadableSets, idxDownloadFileNames, type DownloadableSetId } from '../common/datasetDownloads';

export interface DownloadFile {
  url: string;
  fileName: string;
  /** The published sha256 (hex) the bytes must have, or null: a user's URL, recorded on first download. */
  sha256: string | null;
}

export interface DownloadPlan {
  /** What the dataset record names as its source. */
  source: string;
  files: DownloadFile[];
}

export interface DownloadedFile {
  fileName: string;
  bytes: number;
  sha256: string;
}

/**
 * The official files and their sha256. Fashion-MNIST: the files of
 * github.com/zalandoresearch/fashion-mnist (data/fashion/), the same bytes as
 * its S3 site. Zalando publishes MD5s (8d4fb7e6…, 25c81989…, bef4ecab…,
 * bb300cfd…); these sha256 are the ones independent loaders pin for the same
 * files (several agree, byte sizes too: 26,421,880 for the training images).
 * Debian's dataset-fashion-mnist package recompresses the files: its .gz
 * bytes differ, so they do not pass (the decoded images may still be equal).
 */
const officialSets: Record<DownloadableSetId, { baseUrl: string; sha256: Record<(typeof idxDownloadFileNames)[number], string> }> = {
  'fashion-mnist': {
    baseUrl: 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    sha256: {
      'train-images-idx3-ubyte.gz': '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      'train-labels-idx1-ubyte.gz': 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      't10k-images-idx3-ubyte.gz': '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      't10k-labels-idx1-ubyte.gz': '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    },
  },
};

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/**
 * The files to fetch for a request: a known set's (from `mirror` instead of
 * its official address when given: a lab's copy, or a test's local server;
 * the published checksums still apply), or the four IDX names under `url`.
 */
export function planDownload(req: { set?: DownloadableSetId | undefined; url?: string | undefined }, mirror?: string): DownloadPlan {
  if (req.set !== undefined) {
    const official = officialSets[req.set];
    const base = withSlash(mirror ?? official.baseUrl);
    return {
      source: `${downloadableSets[req.set].name}, downloaded from ${base}`,
      files: idxDownloadFileNames.map((fileName) => ({ url: new URL(fileName, base).href, fileName, sha256: official.sha256[fileName] })),
    };
  }
  if (req.url === undefined) throw new ApiError('bad-request', 'Give a known set or a URL to download from');
  const base = withSlash(req.url);
  return { source: `downloaded from ${base}`, files: idxDownloadFileNames.map((fileName) => ({ url: new URL(fileName, base).href, fileName, sha256: null })) };
}

/** Error codes that mean the host could not be reached at all: no network, no DNS, nothing routed. */
const offlineCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** A failed fetch in words a user can act on. */
function networkError(url: string, e: unknown): ApiError {
  const host = new URL(url).host;
  const code = causeCode(e);
  if (code !== undefined && offlineCodes.has(code)) {
    return new ApiError('bad-request', `This machine appears to be offline: cannot reach ${host} (${code}). Nothing was downloaded or recorded; the workbench needs no network — import the files from a folder instead.`);
  }
  const why = code === 'ECONNREFUSED' ? `${host} refused the connection` : `${(e as Error).message}${code ? ` (${code})` : ''}`;
  return new ApiError('bad-request', `Cannot download ${url}: ${why}. Nothing was recorded.`);
}

/** Streams one file to `target`, hashing it; `onBytes(done, total)` as it arrives (total 0 when the server does not say). */
async function fetchOne(file: DownloadFile, target: string, onBytes: (done: number, total: number) => void): Promise<DownloadedFile> {
  let res: Response;
  try {
    res = await fetch(file.url, { redirect: 'follow' });
  } catch (e) {
    throw networkError(file.url, e);
  }
  if (!res.ok || !res.body) throw new ApiError('bad-request', `Cannot download ${file.url}: the server answered HTTP ${res.status} ${res.statusText}. Nothing was recorded.`);
  const declared = Number(res.headers.get('content-length') ?? '');
  const total = Number.isFinite(declared) && declared > 0 ? declared : 0;
  const hash = crypto.createHash('sha256');
  const out = fs.openSync(target, 'w');
  let done = 0;
  try {
    onBytes(0, total);
    for await (const chunk of res.body) {
      const bytes = chunk as Uint8Array;
      hash.update(bytes);
      fs.writeSync(out, bytes);
      done += bytes.length;
      onBytes(done, total);
    }
  } catch (e) {
    throw new ApiError('bad-request', `The download of ${file.url} broke off after ${done} of ${total || 'an unknown number of'} bytes (${(e as Error).message}${causeCode(e) ? `, ${causeCode(e)!}` : ''}). Nothing was recorded; try again.`);
  } finally {
    fs.closeSync(out);
  }
  if (total > 0 && done !== total) throw new ApiError('bad-request', `The download of ${file.url} is incomplete: ${done} of ${total} bytes arrived. Nothing was recorded; try again.`);
  const sha256 = hash.digest('hex');
  if (file.sha256 !== null && sha256 !== file.sha256) {
    throw new ApiError('bad-request', `${file.fileName} from ${file.url} is not the published file: its sha256 is ${sha256}, the published one ${file.sha256} (${done} bytes arrived). Nothing was recorded.`);
  }
  return { fileName: file.fileName, bytes: done, sha256 };
}

/**
 * Fetches every file of the plan into `dir` (which must exist), one after the
 * other, checking each; throws an ApiError at the first that fails.
 * `onProgress(done, total, detail)` per file.
 */
export async function downloadFiles(plan: DownloadPlan, dir: string, onProgress: (done: number, total: number, detail: string) => void): Promise<DownloadedFile[]> {
  const got: DownloadedFile[] = [];
  for (const [i, file] of plan.files.entries()) {
    const detail = `${file.fileName} (${i + 1} of ${plan.files.length})`;
    got.push(await fetchOne(file, path.join(dir, file.fileName), (done, total) => onProgress(done, total, detail)));
  }
  return got;
}
