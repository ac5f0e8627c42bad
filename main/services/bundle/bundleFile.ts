/**
 * A bundle file as a whole: written with its manifest first (so a reader
 * knows at once whether it can read the rest), and read back into a staging
 * folder with every entry's size and sha256 checked against the manifest
 * before anything else looks at it. The entries' meaning is the caller's
 * (main/common/bundleFormat.ts).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import {
  MANIFEST_ENTRY, bundleManifestHeadSchema, bundleManifestSchema, bundlePathProblem, manifestHeadProblem,
  type BundleEntry, type BundleManifest,
} from '../../common/bundleFormat';
import { BLOCK, BundleFormatError, TarWriter, padding, parseHeader, readExactly, tarChunkSize } from './tar';

/** An entry to write: bytes in memory (the JSON records) or a file on disk, streamed. */
export type BundleSource = { path: string; content: Buffer } | { path: string; file: string };

async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: tarChunkSize })) {
    const b = chunk as Buffer;
    hash.update(b);
    size += b.length;
  }
  return { size, sha256: hash.digest('hex') };
}

async function describe(source: BundleSource): Promise<BundleEntry> {
  if ('content' in source) return { path: source.path, size: source.content.length, sha256: createHash('sha256').update(source.content).digest('hex') };
  return { path: source.path, ...(await hashFile(source.file)) };
}

/**
 * Writes the bundle to `<out>.partial` and renames it to `out` when complete,
 * so a failed export leaves no file behind. Files are hashed once for the
 * manifest and again as they are copied: one that changed in between fails
 * the export. Returns the bundle's size in bytes.
 */
export async function writeBundle(out: string, manifest: Omit<BundleManifest, 'entries'>, sources: readonly BundleSource[]): Promise<number> {
  const entries: BundleEntry[] = [];
  for (const s of sources) entries.push(await describe(s));
  const full: BundleManifest = { ...manifest, entries };
  const partial = `${out}.partial`;
  const now = Math.floor(Date.now() / 1000);
  const handle = await open(partial, 'w');
  try {
    const tar = new TarWriter(handle);
    await tar.addBuffer(MANIFEST_ENTRY, Buffer.from(JSON.stringify(full, null, 1)), now);
    for (const [i, s] of sources.entries()) {
      const expected = entries[i];
      if (!expected) throw new Error(`Entry ${i} has no manifest line`);
      if ('content' in s) { await tar.addBuffer(s.path, s.content, now); continue; }
      const hash = createHash('sha256');
      const src = await open(s.file, 'r');
      try {
        await tar.addFile(s.path, src, expected.size, now, (b) => hash.update(b));
      } finally {
        await src.close();
      }
      if (hash.digest('hex') !== expected.sha256) throw new Error(`${s.file} changed while the bundle was being written: export again when nothing writes to it`);
    }
    await tar.finish();
    await handle.close();
    await fs.promises.rename(partial, out);
    return tar.bytesWritten;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(partial, { force: true });
    throw err;
  }
}

interface ReadState { file: FileHandle; fileSize: number; offset: number; header: Buffer }

/** The entry header at the current offset (null at the archive's end), refusing a file that ends first. */
async function nextHeader(s: ReadState): Promise<ReturnType<typeof parseHeader>> {
  if (s.offset + BLOCK > s.fileSize) {
    throw new BundleFormatError(`truncated at byte ${s.fileSize}: the archive ends before its end marker (an entry header was due at byte ${s.offset})`);
  }
  await readExactly(s.file, s.header, BLOCK, s.offset, s.fileSize, 'an entry header');
  const h = parseHeader(s.header, s.offset);
  s.offset += BLOCK;
  return h;
}

/** The manifest, which must be the first entry; "not a bundle" for anything else. */
async function readManifest(s: ReadState): Promise<BundleManifest> {
  const notBundle = 'not a Latent Workbench bundle';
  if (s.fileSize < BLOCK) throw new BundleFormatError(`${notBundle}: the file is ${s.fileSize} bytes, shorter than one archive header`);
  let h: ReturnType<typeof parseHeader>;
  try {
    h = await nextHeader(s);
  } catch (err) {
    throw new BundleFormatError(`${notBundle}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (h?.path !== MANIFEST_ENTRY) throw new BundleFormatError(`${notBundle}: its first entry is not ${MANIFEST_ENTRY}`);
  if (h.size > 64 * 1024 * 1024) throw new BundleFormatError(`${notBundle}: its manifest is ${h.size} bytes`);
  const buf = Buffer.alloc(h.size);
  await readExactly(s.file, buf, h.size, h.dataOffset, s.fileSize, MANIFEST_ENTRY);
  s.offset = h.dataOffset + h.size + padding(h.size);
  let json: unknown;
  try { json = JSON.parse(buf.toString('utf8')); } catch { throw new BundleFormatError(`${notBundle}: its manifest is not JSON`); }
  const head = bundleManifestHeadSchema.safeParse(json);
  if (!head.success) throw new BundleFormatError(`${notBundle}: its manifest has no format name and version`);
  const problem = manifestHeadProblem(head.data);
  if (problem !== null) throw new BundleFormatError(problem);
  const manifest = bundleManifestSchema.safeParse(json);
  if (!manifest.success) throw new BundleFormatError(`the bundle's manifest is malformed: ${manifest.error.issues[0]?.message ?? 'unknown problem'}`);
  return manifest.data;
}

/** Copies one entry's content into `target`, returning its sha256. */
async function stageEntry(s: ReadState, offset: number, size: number, target: string, label: string): Promise<string> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const out = await open(target, 'wx');
  const hash = createHash('sha256');
  const buf = Buffer.alloc(Math.min(tarChunkSize, Math.max(size, 1)));
  try {
    for (let done = 0; done < size;) {
      const n = Math.min(buf.length, size - done);
      await readExactly(s.file, buf, n, offset + done, s.fileSize, `entry "${label}"`);
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      await out.write(chunk);
      done += n;
    }
  } finally {
    await out.close();
  }
  return hash.digest('hex');
}

/**
 * Reads the bundle into `stagingDir` (which must not exist yet): entry
 * `a/b` becomes `<stagingDir>/a/b`. Every entry must be listed in the manifest
 * with its size and sha256, in order, and every listed entry must be there.
 * Throws BundleFormatError naming the problem; the caller removes the staging folder.
 */
export async function readBundle(file: string, stagingDir: string): Promise<BundleManifest> {
  const handle = await open(file, 'r');
  try {
    const s: ReadState = { file: handle, fileSize: (await handle.stat()).size, offset: 0, header: Buffer.alloc(BLOCK) };
    const manifest = await readManifest(s);
    const seen = new Set<string>();
    fs.mkdirSync(stagingDir);
    for (const expected of manifest.entries) {
      if (seen.has(expected.path)) throw new BundleFormatError(`the manifest lists "${expected.path}" twice`);
      seen.add(expected.path);
      const h = await nextHeader(s);
      if (h === null) throw new BundleFormatError(`entry "${expected.path}" listed in the manifest is missing (the archive ends at byte ${s.offset - BLOCK})`);
      if (h.path !== expected.path) throw new BundleFormatError(`entry "${h.path}" at byte ${s.offset - BLOCK} is not the next one the manifest lists ("${expected.path}")`);
      if (h.size !== expected.size) throw new BundleFormatError(`size mismatch in ${h.path}: ${h.size} bytes, the manifest says ${expected.size}`);
      const problem = bundlePathProblem(h.path);
      if (problem !== null) throw new BundleFormatError(`entry "${h.path}" is refused: ${problem}`);
      const sha = await stageEntry(s, h.dataOffset, h.size, path.join(stagingDir, ...h.path.split('/')), h.path);
      if (sha !== expected.sha256) throw new BundleFormatError(`checksum mismatch in ${h.path}: the bundle is corrupt`);
      s.offset = h.dataOffset + h.size + padding(h.size);
    }
    const end = await nextHeader(s);
    if (end !== null) throw new BundleFormatError(`entry "${end.path}" at byte ${s.offset - BLOCK} is not listed in the manifest`);
    return manifest;
  } finally {
    await handle.close();
  }
}
