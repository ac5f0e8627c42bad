/**
 * IDX file parser (the format of MNIST and Fashion-MNIST):
 * magic = 0x00 0x00 <type> <ndims>, then ndims big-endian uint32 sizes, then
 * the data, big-endian, row-major.
 */

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dtype: IdxDtype;
  dims: number[];
  data: IdxData;
}

const TYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/** Largest element count accepted (about 2 GB of bytes). */
const MAX_ELEMENTS = 2 ** 31 - 1;

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

export function parseIdx(buf: Uint8Array, name: string): IdxTensor {
  if (buf.length < 4) {
    throw new Error(`${name}: not an IDX file: ${buf.length} bytes, expected at least a 4-byte header`);
  }
  const [b0, b1, typeCode, ndims] = [buf[0]!, buf[1]!, buf[2]!, buf[3]!];
  if (b0 !== 0 || b1 !== 0) {
    const gz = b0 === 0x1f && b1 === 0x8b ? ' (it looks gzip-compressed: decompress it first)' : '';
    throw new Error(`${name}: not an IDX file: magic starts with ${hex(b0)} ${hex(b1)}, expected 0x00 0x00${gz}`);
  }
  const type = TYPES[typeCode];
  if (!type) {
    throw new Error(`${name}: unknown IDX data type ${hex(typeCode)}; expected one of ${Object.keys(TYPES).map((k) => hex(Number(k))).join(', ')}`);
  }
  if (ndims < 1 || ndims > 8) {
    throw new Error(`${name}: IDX header says ${ndims} dimensions; expected 1 to 8`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) {
    throw new Error(`${name}: truncated IDX header: expected ${headerBytes} bytes for ${ndims} dimensions, found ${buf.length}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) throw new Error(`${name}: IDX dimension ${i} is 0`);
    count *= d;
    if (count > MAX_ELEMENTS) {
      throw new Error(`${name}: IDX dimensions [${[...dims, d].join(', ')}…] describe more than ${MAX_ELEMENTS} values; the header is probably corrupt`);
    }
    dims.push(d);
  }
  const expected = headerBytes + count * type.size;
  if (buf.length < expected) {
    throw new Error(
      `${name}: truncated IDX file: dimensions [${dims.join(', ')}] of ${type.dtype} need ${expected} bytes ` +
      `(${headerBytes} header + ${count * type.size} data), found ${buf.length}`,
    );
  }
  return { dtype: type.dtype, dims, data: readData(view, headerBytes, count, type.dtype, buf) };
}

function readData(view: DataView, offset: number, count: number, dtype: IdxDtype, buf: Uint8Array): IdxData {
  switch (dtype) {
    case 'uint8': return buf.slice(offset, offset + count);
    case 'int8': return new Int8Array(buf.slice(offset, offset + count).buffer);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Encode unsigned bytes as an IDX file (type 0x08) with the given dimensions. */
export function encodeIdxUint8(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 8) throw new Error(`IDX files have 1 to 8 dimensions, not ${dims.length}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`IDX dimensions [${dims.join(', ')}] describe ${count} values but ${data.length} were given`);
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerBytes);
  return out;
}
