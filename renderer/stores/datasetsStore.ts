import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiRequest } from '../../main/common/api';
import type { DatasetImage, DatasetInfo, DatasetRemoval } from '../../main/common/domain';
import { getApiClient } from '../api';

export type DatasetSplit = 'train' | 'test';

/** At most this many images per datasets.images call (the contract's limit). */
const IMAGES_PER_CALL = 256;

export const useDatasetsStore = defineStore('datasets', () => {
  const client = getApiClient();
  const list = ref<DatasetInfo[]>([]);
  const loaded = ref(false);
  let inFlight: Promise<void> | null = null;
  // Dataset images never change: keep every one fetched (small PNGs), not reactive.
  const images = new Map<string, DatasetImage>();
  const imageKey = (id: string, split: DatasetSplit, index: number) => `${id}/${split}/${index}`;

  /** Datasets change only by import and remove (through this store): fetch once unless forced. */
  function fetchList(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve();
    inFlight ??= client.call('datasets.list', {})
      .then((datasets) => {
        list.value = datasets;
        loaded.value = true;
      })
      .finally(() => { inFlight = null; });
    return inFlight;
  }

  function byId(id: string): DatasetInfo | undefined {
    return list.value.find((d) => d.id === id);
  }

  const imagesInFlight = new Map<string, Promise<void>>();

  function loadChunk(id: string, split: DatasetSplit, chunk: number[]): Promise<void> {
    const key = `${id}/${split}/${chunk.join(',')}`;
    let p = imagesInFlight.get(key);
    if (!p) {
      p = client.call('datasets.images', { id, split, indices: chunk })
        .then((got) => { for (const img of got) images.set(imageKey(id, split, img.index), img); })
        .finally(() => imagesInFlight.delete(key));
      imagesInFlight.set(key, p);
    }
    return p;
  }

  /** Small PNGs of dataset images (for pickers), in the order asked; cached. */
  async function fetchImages(id: string, split: DatasetSplit, indices: readonly number[]): Promise<DatasetImage[]> {
    const missing = [...new Set(indices.filter((i) => !images.has(imageKey(id, split, i))))];
    const chunks: number[][] = [];
    for (let at = 0; at < missing.length; at += IMAGES_PER_CALL) chunks.push(missing.slice(at, at + IMAGES_PER_CALL));
    await Promise.all(chunks.map((c) => loadChunk(id, split, c)));
    return indices.map((i) => images.get(imageKey(id, split, i))).filter((img): img is DatasetImage => img !== undefined);
  }

  /** Reads, converts and records a dataset from a folder on the machine the services run on. */
  async function importDataset(req: ApiRequest<'datasets.import'>): Promise<DatasetInfo> {
    const info = await client.call('datasets.import', req);
    list.value = [...list.value.filter((d) => d.id !== info.id), info];
    return info;
  }

  /** Downloads (only on the user's request) and imports a known set or a URL's IDX files. */
  async function download(req: ApiRequest<'datasets.download'>): Promise<DatasetInfo> {
    const info = await client.call('datasets.download', req);
    list.value = [...list.value.filter((d) => d.id !== info.id), info];
    return info;
  }

  /** Removes an imported dataset; the runs that used it keep their records (the answer says which). */
  async function remove(id: string): Promise<DatasetRemoval> {
    const removal = await client.call('datasets.remove', { id });
    list.value = list.value.filter((d) => d.id !== id);
    for (const key of [...images.keys()]) if (key.startsWith(`${id}/`)) images.delete(key);
    return removal;
  }

  /** Names an imported dataset's classes (one name per label, in order). */
  async function renameClasses(id: string, classNames: string[]): Promise<DatasetInfo> {
    const info = await client.call('datasets.renameClasses', { id, classNames });
    list.value = list.value.map((d) => (d.id === id ? info : d));
    return info;
  }

  /** A native folder dialog (desktop app only): the folder picked, or null when cancelled. */
  async function pickFolder(title?: string): Promise<string | null> {
    const picked = await client.call('system.pickFolder', title === undefined ? {} : { title });
    return picked.path;
  }

  return { list, loaded, fetchList, byId, fetchImages, importDataset, download, remove, renameClasses, pickFolder };
});
