/**
 * Decompression and image bombs as real files: an IDX header, a gzip file of
 * a header followed by megabytes of zeros (streamed: the zeros are never in
 * memory at once), and a PNG whose IHDR declares any size with one small
 * IDAT. Shared by the unit bomb tests (the readers) and the integration ones
 * (the import worker, memory measured in the main process).
 */
import * as fs from 'node:fs';
import { constants, crc32, createGzip, deflateSync } from 'node:zlib';

export const MiB = 1024 ** 2;

/** An IDX header: 0 0 type ndims, then each dimension big-endian. */
export function idxHeader(dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = 0x08;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

/** Gzips `header` then `zeroMiB` MiB of zeros, streaming (the zeros are never in memory at once). */
export async function writeGzipBomb(file: string, header: Buffer, zeroMiB: number): Promise<void> {
  const gz = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const out = fs.createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => { out.on('finish', resolve); out.on('error', reject); gz.on('error', reject); });
  gz.pipe(out);
  const zeros = Buffer.alloc(MiB);
  gz.write(header);
  for (let i = 0; i < zeroMiB; i++) {
    if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
}

/** A PNG: signature, IHDR (8-bit greyscale) with the given size, one small IDAT, IEND, with real CRCs. */
export function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
