/**
 * An image's width and height read from its header, before any decoding, so
 * that a small file declaring a huge image (an image bomb: a 100 kB PNG whose
 * IHDR says 100000×100000 would ask the decoder for 40 GB) is refused without
 * allocating. PNG: the IHDR chunk, which must come first (bytes 16–23).
 * JPEG: the first start-of-frame segment (SOF0–SOF15 except DHT, JPG and DAC),
 * found by walking the segments' lengths.
 */

export interface ImageSize { width: number; height: number }

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG's IHDR: signature (8), chunk length (4), "IHDR" (4), width (4, big-endian), height (4). Null when absent. */
export function pngSize(b: Uint8Array): ImageSize | null {
  if (b.length < 24 || !PNG_SIGNATURE.every((v, i) => b[i] === v)) return null;
  if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== 'IHDR') return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

/** Whether marker `m` (the byte after 0xFF) starts a frame: C0–CF except C4 (DHT), C8 (JPG), CC (DAC). */
function isStartOfFrame(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

/** JPEG's first SOFn: after FF xx and a 2-byte length, precision (1), height (2), width (2). Null when absent. */
export function jpegSize(b: Uint8Array): ImageSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) { at += 1; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) { at += 2; continue; } // no length
    const length = view.getUint16(at + 2, false);
    if (isStartOfFrame(marker)) {
      if (at + 9 > b.length) return null;
      return { width: view.getUint16(at + 7, false), height: view.getUint16(at + 5, false) };
    }
    if (marker === 0xda || length < 2) return null; // scan data before any frame header: not a valid JPEG
    at += 2 + length;
  }
  return null;
}
