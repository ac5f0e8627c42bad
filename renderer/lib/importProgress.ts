/**
 * What an import's progress bar says (pure, so it is tested without a
 * window): the stage in words, done of total in the unit a researcher knows
 * (MB of files, images), and the checksum once the import is recorded.
 */
import type { ImportProgress } from '../../main/common/domain';

/** Bytes as MB with one decimal (1 MB = 10^6 bytes, as file managers and the download sizes say). */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A content hash shortened for a table: 'sha256:' and its first 12 hex digits. */
export function shortChecksum(hash: string): string {
  const m = /^sha256:([0-9a-f]{12})[0-9a-f]*$/.exec(hash);
  return m ? `sha256:${m[1]!}…` : hash;
}

/** done / total in [0, 1], or null when the total is unknown (the bar then shows no value: indeterminate). */
export function progressFraction(p: ImportProgress): number | null {
  if (p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}

function amount(p: ImportProgress): string {
  if (p.unit === 'bytes') return p.total > 0 ? `${megabytes(p.done)} of ${megabytes(p.total)}` : megabytes(p.done);
  return `${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')}`;
}

/** The bar's label for one progress event. */
export function progressLabel(p: ImportProgress): string {
  switch (p.stage) {
    case 'download': return `Downloading ${p.detail}: ${amount(p)}`;
    case 'read': return p.unit === 'files' ? `Decoding images: ${amount(p)}` : `Reading the files: ${amount(p)}`;
    case 'convert': return 'Converting to IDX files…';
    case 'checksum': return 'Computing the sha256 checksum…';
    case 'done': return `Imported · ${p.detail === '' ? 'checksum recorded' : shortChecksum(p.detail)}`;
  }
}
