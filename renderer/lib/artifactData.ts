/**
 * Artifact bytes as they cross the API (base64) turned into what the page
 * uses: Blobs for <img> and downloads, JSON for the data kinds. Pure; no Vue.
 */
import type { LatentScatterData } from '../../workers/common/gallery';

/** Decode standard base64 (padding optional, whitespace ignored). Throws on anything else. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const clean = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new Error('The artifact is not valid base64');
  }
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function base64ToBlob(base64: string, mime: string): Blob {
  return new Blob([base64ToBytes(base64)], { type: mime });
}

/** The JSON document a data artifact holds (UTF-8). */
export function base64ToJson(base64: string): unknown {
  const text = new TextDecoder('utf-8').decode(base64ToBytes(base64));
  return JSON.parse(text) as unknown;
}

/** `data:` URL for small images (picker thumbnails); img-src allows data:. */
export function pngDataUrl(pngBase64: string): string {
  return `data:image/png;base64,${pngBase64}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Check a 'latent-scatter' document. Points that are not two finite numbers
 * are dropped with their label, so one NaN does not blank the chart.
 */
export function parseLatentScatter(raw: unknown): LatentScatterData {
  if (!isRecord(raw)) throw new Error('The scatter data is not an object');
  const { method, latentDim, points, labels, testIndices } = raw;
  if (method !== 'identity' && method !== 'pca' && method !== 'umap') throw new Error(`Unknown projection "${String(method)}"`);
  if (!Array.isArray(points) || !Array.isArray(labels)) throw new Error('The scatter data has no points or labels');
  if (points.length !== labels.length) throw new Error(`The scatter data has ${points.length} points but ${labels.length} labels`);
  const out: LatentScatterData = { method, latentDim: isFiniteNumber(latentDim) ? latentDim : 0, points: [], labels: [], testIndices: [] };
  const indices = Array.isArray(testIndices) ? testIndices : [];
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i];
    const label: unknown = labels[i];
    if (!Array.isArray(p) || p.length < 2 || !isFiniteNumber(p[0]) || !isFiniteNumber(p[1]) || !isFiniteNumber(label)) continue;
    out.points.push([p[0], p[1]]);
    out.labels.push(label);
    const idx: unknown = indices[i];
    out.testIndices.push(isFiniteNumber(idx) ? idx : -1);
  }
  return out;
}

/** Points grouped by class label, ascending, for one scatter series per class. */
export function scatterByLabel(data: LatentScatterData): { label: number; points: [number, number][] }[] {
  const groups = new Map<number, [number, number][]>();
  data.points.forEach((p, i) => {
    const label = data.labels[i]!;
    let g = groups.get(label);
    if (!g) {
      g = [];
      groups.set(label, g);
    }
    g.push(p);
  });
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([label, points]) => ({ label, points }));
}
