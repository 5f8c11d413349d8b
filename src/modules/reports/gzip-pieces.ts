import { constants, crc32, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';

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

/**
 * The CRC-32 of A followed by B, from A's and B's and B's length in bytes (zlib's crc32_combine,
 * which Node does not expose).
 */
export function crc32Combine(crcA: number, crcB: number, sizeB: number): number {
  // x^(8·sizeB) modulo the polynomial; sizeB is under 2^53, so it is taken apart by division.
  let p = 0x80000000; // x^0
  let k = 3;
  for (let n = sizeB; n > 0; n = Math.floor(n / 2), k += 1) if (n % 2 === 1) p = multiplyModP(X2N[k & 31], p);
  return (multiplyModP(p, crcA) ^ crcB) >>> 0;
}

/** `bytes` as a piece, compressed on this thread (for a few pieces at a time). */
export function pieceOf(bytes: Buffer): GzipPiece {
  return { deflated: deflateRawSync(bytes, OPTIONS), crc: crc32(bytes), size: bytes.length };
}

/**
 * Pieces compressed one after another through one zlib stream on libuv's threads, each ended by a
 * full flush: one compressor's worth of memory for a whole body, however many pieces it has.
 */
export class PieceCompressor {
  private readonly deflate = createDeflateRaw({ level: OPTIONS.level, chunkSize: 64 * 1024 });
  /** What zlib has given of the piece being compressed. */
  private output: Buffer[] = [];
  /** The pieces not yet compressed, to be told if zlib fails. */
  private readonly waiting = new Set<(piece: GzipPiece | undefined) => void>();
  private failed = false;

  constructor() {
    // Read as it comes (paused mode: nothing is emitted that is not read here).
    this.deflate.on('readable', () => this.drain());
    this.deflate.on('error', () => {
      this.failed = true;
      for (const settle of this.waiting) settle(undefined);
      this.waiting.clear();
    });
  }

  /**
   * `bytes` compressed as the next piece, undefined if zlib failed; `bytes` must stay unchanged
   * until it settles. The flush's callback comes once zlib has given all the piece's output, and
   * before it starts on the next piece's, so what has been read by then is this piece.
   */
  compress(bytes: Buffer): Promise<GzipPiece | undefined> {
    if (this.failed) return Promise.resolve(undefined);
    const crc = crc32(bytes);
    return new Promise((resolve) => {
      const settle = (piece: GzipPiece | undefined): void => {
        this.waiting.delete(settle);
        resolve(piece);
      };
      this.waiting.add(settle);
      this.deflate.write(bytes);
      this.deflate.flush(constants.Z_FULL_FLUSH, () => {
        if (this.failed) return;
        this.drain();
        // Often a view of zlib's 64 kB output buffer, shared with the pieces either side.
        const deflated = this.output.length === 1 ? this.output[0] : Buffer.concat(this.output);
        this.output = [];
        settle({ deflated, crc, size: bytes.length });
      });
    });
  }

  /** Lets go of zlib's memory; pieces not yet compressed settle undefined. */
  close(): void {
    this.failed = true;
    for (const settle of this.waiting) settle(undefined);
    this.waiting.clear();
    this.deflate.destroy();
  }

  private drain(): void {
    for (let part = this.deflate.read() as Buffer | null; part !== null; part = this.deflate.read() as Buffer | null) {
      this.output.push(part);
    }
  }
}

/** The text a piece holds. */
export function textOf(piece: GzipPiece): string {
  return inflateRawSync(piece.deflated, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
}

/** A gzip header: deflate, no name or comment, no time, OS unknown. */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** The last block of every body: empty, fixed codes, marked final. */
const FINAL_BLOCK = [0x03, 0x00];

/**
 * The pieces as one gzip member, in buffers to send one after another: the pieces' own (no copy),
 * those that lie one after another in the same memory sent as one. `retained` is the memory the
 * pieces hold on to: a piece is often a view of a larger buffer of zlib's, shared with its
 * neighbours, and a piece compressed again leaves its old bytes there.
 */
export function gzipOf(pieces: readonly GzipPiece[]): { gzip: Buffer[]; retained: number } {
  let crc = 0;
  let size = 0;
  const parts: Buffer[] = [HEADER];
  const held = new Set<ArrayBufferLike>();
  let last: Buffer | undefined;
  for (const piece of pieces) {
    crc = crc32Combine(crc, piece.crc, piece.size);
    size += piece.size;
    const bytes = piece.deflated;
    held.add(bytes.buffer);
    if (last !== undefined && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
      last = Buffer.from(last.buffer, last.byteOffset, last.length + bytes.length);
      parts[parts.length - 1] = last;
    } else {
      last = bytes;
      parts.push(bytes);
    }
  }
  const trailer = Buffer.alloc(10);
  trailer.set(FINAL_BLOCK, 0);
  trailer.writeUInt32LE(crc, 2);
  trailer.writeUInt32LE(size % 2 ** 32, 6);
  parts.push(trailer);
  let retained = 0;
  for (const buffer of held) retained += buffer.byteLength;
  return { gzip: parts, retained };
}

/** The pieces again, copied one after another into one buffer of their size, each a view of it. */
export function packed<T extends GzipPiece>(pieces: readonly T[]): T[] {
  const whole = Buffer.allocUnsafeSlow(pieces.reduce((total, piece) => total + piece.deflated.length, 0));
  let at = 0;
  return pieces.map((piece): T => {
    const start = at;
    at += piece.deflated.copy(whole, at);
    return { ...piece, deflated: whole.subarray(start, at) };
  });
}
