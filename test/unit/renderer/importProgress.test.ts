/** The import progress bar's words and fraction (renderer/lib/importProgress.ts), by hand. */
import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../main/common/domain';
import { megabytes, progressFraction, progressLabel, shortChecksum } from '../../../renderer/lib/importProgress';

const event = (p: Partial<ImportProgress>): ImportProgress => ({ target: 'dataset', name: 'Fashion', stage: 'read', done: 0, total: 0, unit: 'bytes', detail: '', ...p });

describe('import progress labels', () => {
  it('says MB of files read, images decoded and file downloaded', () => {
    expect(megabytes(30_878_551)).toBe('30.9 MB');
    expect(progressLabel(event({ done: 12_345_678, total: 30_878_551 }))).toBe('Reading the files: 12.3 MB of 30.9 MB');
    expect(progressLabel(event({ unit: 'files', done: 1200, total: 6000 }))).toBe('Decoding images: 1,200 of 6,000');
    expect(progressLabel(event({ stage: 'download', detail: 'train-images-idx3-ubyte.gz (1 of 4)', done: 5e6, total: 26_421_880 })))
      .toBe('Downloading train-images-idx3-ubyte.gz (1 of 4): 5.0 MB of 26.4 MB');
    expect(progressLabel(event({ stage: 'download', detail: 'x (2 of 4)', done: 2_500_000, total: 0 }))).toBe('Downloading x (2 of 4): 2.5 MB');
  });

  it('names the stages without counts, and the checksum once recorded', () => {
    expect(progressLabel(event({ stage: 'checksum', unit: 'steps', total: 1 }))).toBe('Computing the sha256 checksum…');
    const hash = `sha256:${'ab'.repeat(32)}`;
    expect(shortChecksum(hash)).toBe('sha256:abababababab…');
    expect(progressLabel(event({ stage: 'done', unit: 'steps', done: 1, total: 1, detail: hash }))).toBe('Imported · sha256:abababababab…');
    expect(shortChecksum('md5:xyz')).toBe('md5:xyz');
  });

  it('gives the bar a fraction in [0, 1], or none when the total is unknown', () => {
    expect(progressFraction(event({ done: 1, total: 4 }))).toBe(0.25);
    expect(progressFraction(event({ done: 9, total: 4 }))).toBe(1);
    expect(progressFraction(event({ done: 3, total: 0 }))).toBeNull();
  });
});
