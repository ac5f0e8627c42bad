import { onScopeDispose } from 'vue';
import { base64ToBlob } from '../lib/artifactData';
import { useArtifactsStore } from '../stores/artifactsStore';

export interface ArtifactUrls {
  /** A blob: URL of the artifact's bytes, read once per id and cached. */
  urlFor(id: number): Promise<string>;
  /** The URL when it is already made. */
  cached(id: number): string | undefined;
}

/**
 * Blob URLs for artifact images, cached per artifact id for the life of the
 * calling component and revoked when it goes (also those still loading then).
 */
export function useArtifactUrls(): ArtifactUrls {
  const artifacts = useArtifactsStore();
  const urls = new Map<number, string>();
  const pending = new Map<number, Promise<string>>();
  let disposed = false;

  function urlFor(id: number): Promise<string> {
    const known = urls.get(id);
    if (known) return Promise.resolve(known);
    let p = pending.get(id);
    if (!p) {
      p = artifacts.read(id)
        .then((content) => {
          const url = URL.createObjectURL(base64ToBlob(content.base64, content.mime || 'application/octet-stream'));
          if (disposed) {
            URL.revokeObjectURL(url);
            throw new Error('The view was closed');
          }
          urls.set(id, url);
          return url;
        })
        .finally(() => pending.delete(id));
      pending.set(id, p);
    }
    return p;
  }

  onScopeDispose(() => {
    disposed = true;
    for (const url of urls.values()) URL.revokeObjectURL(url);
    urls.clear();
  });

  return { urlFor, cached: (id) => urls.get(id) };
}
