/**
 * What the Datasets page's "Download…" may fetch, only when the user asks:
 * a known public IDX set by id, or the four IDX files under a URL the user
 * gives. Pure (no URLs fetched here, none of the sets' addresses either: they
 * live in main/services/datasetDownload.ts, so the renderer bundle names no
 * remote host).
 */
import { z } from 'zod';

export const downloadableSetIds = ['fashion-mnist'] as const;
export type DownloadableSetId = (typeof downloadableSetIds)[number];

/** The known sets as the form offers them: name, size to expect, licence. */
export const downloadableSets: Record<DownloadableSetId, { name: string; megabytes: number; about: string }> = {
  'fashion-mnist': {
    name: 'Fashion-MNIST',
    megabytes: 30.9,
    about: 'Zalando Research, MIT licence: 60,000 + 10,000 grey 28×28 images of 10 clothing classes; the four official .gz files, each checked against its published sha256',
  },
};

/** The file names a URL folder must hold (the MNIST layout). */
export const idxDownloadFileNames = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] as const;

const httpUrl = z.string({ error: 'url must be text' }).trim().max(2048, 'url must be at most 2048 characters')
  .refine((u) => /^https?:\/\/[^\s/]+/i.test(u), 'url must start with http:// or https:// and name a host');

export const datasetDownloadSchema = z.object({
  name: z.string({ error: 'name must be text' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
  set: z.enum(downloadableSetIds, { error: `set must be one of ${downloadableSetIds.join(', ')}` }).optional(),
  /** A folder URL holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz. */
  url: httpUrl.optional(),
}).strict().refine((r) => (r.set === undefined) !== (r.url === undefined), { message: 'give either set (a known public set) or url (a folder of IDX files), not both', path: ['set'] });
