import { constants, deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A stretch of a gzip body compressed on its own: raw deflate ending on a full flush (byte-aligned,
 * nothing referring back past its start, not the final block), with the CRC-32 and length of the
 * bytes it holds. Such pieces put one after another are a valid deflate stream, so one piece of a
 * kept body can be replaced without compressing the rest again; {@link gzipOf} frames them.
 */
export interface GzipPiece {
  deflated: Buffer;
  crc: number;
  size: number;
}

const OPTIONS = { level: constants.Z_BEST_SPEED, finishFlush: constants.Z_FULL_FLUSH };

/** The CRC-32 tables (reflected polynomial 0xEDB88320), eight of them for eight bytes a step. */
const TABLE = (() => {
  const table = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n += 1) {
    let c = table[n];
    for (let k = 1; k < 8; k += 1) {
      c = table[c & 255] ^ (c >>> 8);
      table[k * 256 + n] = c;
    }
  }
  return table;
})();

/** The CRC-32 of gzip (and zlib's `crc32`) of `bytes`, about 1 GB/s. */
export function crc32(bytes: Uint8Array): number {
  const t = TABLE;
  let c = ~0;
  let i = 0;
  for (const end = bytes.length - 8; i <= end; i += 8) {
    const a = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[1792 + (a & 255)] ^
      t[1536 + ((a >>> 8) & 255)] ^
      t[1280 + ((a >>> 16) & 255)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < bytes.length; i += 1) c = t[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}

/** a(x)·b(x) modulo the CRC polynomial, bits reflected (zlib's multmodp). */
function multiplyModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ 0xedb88320 : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^n) modulo the polynomial, n = 0…31. */
const X2N = (() => {
  const table = new Array<number>(32);
  let p = 1 << 30; // x^1
  table[0] = p;
  for (let n = 1; n < 32; n += 1) table[n] = p = multiplyModP(p, p);
  return table;
})();

/** The CRC-32 of A followed by B, from A's and B's and B's length in bytes (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, sizeB: number): number {
  // x^(8·sizeB) modulo the polynomial; sizeB is under 2^53, so it is taken apart by division.
  let p = 0x80000000; // x^0
  let k = 3;
  for (let n = sizeB; n > 0; n = Math.floor(n / 2), k += 1) if (n % 2 === 1) p = multiplyModP(X2N[k & 31], p);
  return (multiplyModP(p, crcA) ^ crcB) >>> 0;
}

/** `bytes` as a piece, compressed on this thread (for small or few pieces). */
export function pieceOf(bytes: Buffer): GzipPiece {
  return { deflated: deflateRawSync(bytes, OPTIONS), crc: crc32(bytes), size: bytes.length };
}

/**
 * `bytes` as a piece, compressed on libuv's threads; `bytes` must stay unchanged until it settles.
 * The CRC is computed here meanwhile.
 */
export function compressPiece(bytes: Buffer): Promise<GzipPiece> {
  return new Promise((resolve, reject) => {
    let crc = 0;
    deflateRaw(bytes, OPTIONS, (error, deflated) => {
      if (error) reject(error);
      else resolve({ deflated, crc, size: bytes.length });
    });
    crc = crc32(bytes);
  });
}

/** The text a piece holds. */
export function textOf(piece: GzipPiece): string {
  return inflateRawSync(piece.deflated, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
}

/** A gzip header: deflate, no name or comment, no time, OS unknown. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** The last block of every body: empty, fixed codes, marked final. */
const FINAL_BLOCK = [0x03, 0x00];

/** The pieces as one gzip member, in buffers to send one after another (the pieces' own, not copied). */
export function gzipOf(pieces: readonly GzipPiece[]): Buffer[] {
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    crc = crc32Combine(crc, piece.crc, piece.size);
    size += piece.size;
  }
  const trailer = Buffer.alloc(10);
  trailer.set(FINAL_BLOCK, 0);
  trailer.writeUInt32LE(crc, 2);
  trailer.writeUInt32LE(size % 2 ** 32, 6);
  return [HEADER, ...pieces.map((piece) => piece.deflated), trailer];
}
