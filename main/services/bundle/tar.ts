/**
 * A minimal POSIX ustar writer and reader: regular files only, names split
 * into prefix/name (up to 255 bytes), sizes up to 8 GiB (11 octal digits).
 * Bundles need nothing more, and this keeps the format free of a dependency:
 * any tar tool lists and extracts a bundle. Content is streamed through a
 * FileHandle in chunks, never held whole in memory.
 */
import type { FileHandle } from 'node:fs/promises';

export const BLOCK = 512;
const MAX_SIZE = 8 ** 11 - 1;
const CHUNK = 1 << 20;

/** A bundle the reader refuses: the message names the problem (truncated, corrupt header, …). */
export class BundleFormatError extends Error {}

function writeString(buf: Buffer, text: string, offset: number, length: number): void {
  buf.write(text, offset, length, 'utf8');
}

function writeOctal(buf: Buffer, value: number, offset: number, length: number): void {
  buf.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** Splits a path into ustar's prefix (≤ 155 bytes) and name (≤ 100 bytes) at a '/'. */
function splitName(p: string): { prefix: string; name: string } {
  if (Buffer.byteLength(p) <= 100) return { prefix: '', name: p };
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new BundleFormatError(`The path "${p}" is too long for a bundle entry (at most a 155-byte folder and a 100-byte name)`);
}

/** The 512-byte ustar header of a regular file. */
export function tarHeader(p: string, size: number, mtimeSeconds: number): Buffer {
  if (size > MAX_SIZE) throw new BundleFormatError(`"${p}" is ${size} bytes; a bundle entry holds at most ${MAX_SIZE}`);
  const { prefix, name } = splitName(p);
  const h = Buffer.alloc(BLOCK);
  writeString(h, name, 0, 100);
  writeOctal(h, 0o644, 100, 8);
  writeOctal(h, 0, 108, 8);
  writeOctal(h, 0, 116, 8);
  writeOctal(h, size, 124, 12);
  writeOctal(h, Math.max(0, Math.floor(mtimeSeconds)), 136, 12);
  h.fill(0x20, 148, 156); // checksum counted as spaces
  h.write('0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  writeString(h, prefix, 345, 155);
  writeOctal(h, headerSum(h), 148, 7);
  h[155] = 0x20;
  return h;
}

function headerSum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum;
}

function readString(h: Buffer, offset: number, length: number): string {
  const slice = h.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(h: Buffer, offset: number, length: number): number {
  const text = readString(h, offset, length).trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : Number.NaN;
}

export interface TarEntryHeader {
  path: string;
  size: number;
  /** Byte offset of the content in the file. */
  dataOffset: number;
}

/**
 * Parses the header block at `offset`: null for an all-zero block (the end of
 * the archive), else the entry. Throws BundleFormatError naming the byte for a
 * block that is not a ustar header of a regular file.
 */
export function parseHeader(h: Buffer, offset: number): TarEntryHeader | null {
  if (h.every((b) => b === 0)) return null;
  if (h.toString('ascii', 257, 262) !== 'ustar') throw new BundleFormatError(`no ustar header at byte ${offset}`);
  const stored = readOctal(h, 148, 8);
  if (stored !== headerSum(h)) throw new BundleFormatError(`corrupt entry header at byte ${offset} (its checksum does not match)`);
  const type = String.fromCharCode(h[156] ?? 0);
  const prefix = readString(h, 345, 155);
  const name = readString(h, 0, 100);
  const p = prefix === '' ? name : `${prefix}/${name}`;
  if (type !== '0' && type !== '\0') throw new BundleFormatError(`entry "${p}" at byte ${offset} is not a regular file (type '${type}')`);
  const size = readOctal(h, 124, 12);
  if (!Number.isFinite(size)) throw new BundleFormatError(`corrupt entry header at byte ${offset} (its size is not a number)`);
  return { path: p, size, dataOffset: offset + BLOCK };
}

/** Bytes of padding after `size` bytes of content, up to the next block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Appends entries to an open file, block by block. */
export class TarWriter {
  private position = 0;
  constructor(private readonly file: FileHandle) {}

  get bytesWritten(): number { return this.position; }

  private async write(buf: Buffer): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await this.file.write(buf, done, buf.length - done, this.position + done);
      done += bytesWritten;
    }
    this.position += buf.length;
  }

  async addBuffer(p: string, content: Buffer, mtimeSeconds: number): Promise<void> {
    await this.write(tarHeader(p, content.length, mtimeSeconds));
    await this.write(content);
    await this.write(Buffer.alloc(padding(content.length)));
  }

  /**
   * Copies `size` bytes of `source` in chunks, giving each chunk to `onChunk`
   * (the caller hashes). Throws when the file is shorter than `size`: it changed after it was measured.
   */
  async addFile(p: string, source: FileHandle, size: number, mtimeSeconds: number, onChunk: (b: Buffer) => void): Promise<void> {
    await this.write(tarHeader(p, size, mtimeSeconds));
    const buf = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
    let done = 0;
    while (done < size) {
      const { bytesRead } = await source.read(buf, 0, Math.min(buf.length, size - done), done);
      if (bytesRead === 0) throw new Error(`"${p}" shrank while it was being written into the bundle`);
      const chunk = buf.subarray(0, bytesRead);
      onChunk(chunk);
      await this.write(chunk);
      done += bytesRead;
    }
    await this.write(Buffer.alloc(padding(size)));
  }

  /** The two zero blocks that end an archive. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
  }
}

/** Reads exactly `length` bytes at `position`, or throws naming where the file ended. */
export async function readExactly(file: FileHandle, buf: Buffer, length: number, position: number, fileSize: number, what: string): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new BundleFormatError(`truncated at byte ${fileSize}: ${what} needs ${length} bytes from byte ${position}`);
    done += bytesRead;
  }
}

export const tarChunkSize = CHUNK;
