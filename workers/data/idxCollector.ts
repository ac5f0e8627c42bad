/**
 * Collects an IDX file's bytes as they stream in (decompressed, for a gzip
 * file) and enforces the size its header declares, so that a small file
 * cannot inflate into gigabytes in memory: the header's 4 + 4·ndims bytes
 * give the dimensions and value type, hence the whole file's size,
 * header + count × value size (a uint8 image file: count × height × width ×
 * 1 byte). A declared size over MAX_IDX_FILE_BYTES is refused at the header;
 * a gzip stream producing more than declared is refused as soon as it does
 * (a plain file's trailing bytes are ignored, as they always were). A header
 * that is not IDX is refused at once, with parseIdx's message.
 */
import { parseIdx } from './idx';
import { DatasetFormatError } from './importedDataset';

/** Largest IDX file accepted, decompressed: 2 GiB (header + data, as the header declares them). */
export const MAX_IDX_FILE_BYTES = 2 * 1024 ** 3;

/** Bytes per value of each IDX type code (idx.ts's table; an unknown code is left to parseIdx to report). */
const VALUE_BYTES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

const MiB = (n: number): string => `${(n / 1024 ** 2).toFixed(1)} MiB`;

export class IdxCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** The file's declared size once the header is in; null before. */
  private declared: number | null = null;

  constructor(private readonly path: string, private readonly compressed: boolean) {}

  /** Takes the next chunk; false when nothing more is wanted (the declared size is reached, or the header is not IDX). */
  push(chunk: Buffer): boolean {
    const room = this.declared === null ? chunk.length : this.declared - this.size;
    if (this.declared !== null && chunk.length > room && this.compressed) throw this.excess(this.declared);
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    if (this.declared === null) this.readHeader();
    return this.declared === null || this.size < this.declared;
  }

  /** Everything collected, in one buffer. */
  bytes(): Uint8Array {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }

  private readHeader(): void {
    const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    if (head.length < 4) return;
    const ndims = head[3]!;
    const valueBytes = VALUE_BYTES[head[2]!];
    if (head[0] !== 0 || head[1] !== 0 || valueBytes === undefined || ndims < 1 || ndims > 8) {
      throw this.notIdx(head.subarray(0, 4));
    }
    const headerBytes = 4 + 4 * ndims;
    if (head.length < headerBytes) return;
    const dims: number[] = [];
    let count = 1;
    for (let i = 0; i < ndims; i++) {
      const d = head.readUInt32BE(4 + 4 * i);
      dims.push(d);
      count *= d;
    }
    if (count === 0) {
      throw this.notIdx(head.subarray(0, headerBytes));
    }
    const declared = headerBytes + count * valueBytes;
    if (declared > MAX_IDX_FILE_BYTES) {
      throw new DatasetFormatError(
        `${this.path}: its IDX header declares dimensions [${dims.join(', ')}], ${MiB(declared)}; files of at most ${MiB(MAX_IDX_FILE_BYTES)} are accepted (a corrupt header or a decompression bomb)`,
      );
    }
    if (this.compressed && this.size > declared) throw this.excess(declared);
    this.stopAt(declared);
  }

  /** parseIdx's own message for a header it refuses (bad magic, type, dimension count, a zero dimension). */
  private notIdx(header: Uint8Array): DatasetFormatError {
    try {
      parseIdx(header, this.path);
    } catch (e) {
      return new DatasetFormatError((e as Error).message, { cause: e });
    }
    return new DatasetFormatError(`${this.path}: not an IDX file`);
  }

  private excess(declared: number): DatasetFormatError {
    return new DatasetFormatError(
      `${this.path}: the gzip data decompresses to more than the ${declared} bytes its IDX header declares; refused (a corrupt file or a decompression bomb)`,
    );
  }

  /** Wants no byte past `n` (and drops any already collected). */
  private stopAt(n: number): void {
    this.declared = n;
    if (this.size <= n) return;
    const all = Buffer.concat(this.chunks, this.size).subarray(0, n);
    this.chunks.length = 0;
    this.chunks.push(all);
    this.size = n;
  }
}
