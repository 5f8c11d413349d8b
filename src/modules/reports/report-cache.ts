import { constants, createGzip } from 'node:zlib';

/**
 * A finished report kept for repeats: its body gzipped, in the pieces zlib gave (not joined into
 * one buffer, which would hold the report twice for a moment), and the snapshot its rows were
 * read in.
 */
export interface CachedReport {
  snapshot: string;
  gzip: Buffer[];
  bytes: number;
}

/** zlib's output piece: 64 kB (not 16), so a 6 MB report is about a hundred buffers. */
const GZIP_CHUNK = 64 * 1024;

/**
 * Finished progress reports by request, compressed (a report of 100k proposals is 43 MB of JSON
 * and about 6 MB gzipped), within a budget of bytes: past it, the least recently used go first.
 * An entry is only worth serving while nothing has been written since its snapshot; the service
 * asks the database that before each use.
 */
export class ReportCache {
  private readonly entries = new Map<string, CachedReport>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): CachedReport | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedReport): void {
    this.delete(key);
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/** Bytes of one of the two buffers a body's text is copied into on its way to zlib. */
const SCRATCH = 256 * 1024;

/**
 * `body` passed through unchanged, gzipped on the side (fastest level, on libuv's threads): when it
 * has been read to its end, `keep` gets the whole body compressed. Nothing is kept of a body read
 * in part (the client went away) or failed, nor of one that compresses to more than `maxBytes`.
 *
 * The text reaches zlib through two buffers used in turn, each refilled once zlib has consumed what
 * it held: a buffer per chunk instead (what writing a string to zlib does) would leave tens of
 * megabytes of dead buffers per report for the garbage collector to find.
 */
export async function* keepingGzipped(
  body: AsyncIterable<string>,
  maxBytes: number,
  keep: (gzip: Buffer[], bytes: number) => void,
): AsyncGenerator<string> {
  const gzip = createGzip({ level: constants.Z_BEST_SPEED, chunkSize: GZIP_CHUNK });
  const parts: Buffer[] = [];
  let size = 0;
  let failed = false;
  gzip.on('data', (part: Buffer) => {
    size += part.length;
    if (size <= maxBytes) parts.push(part);
  });
  gzip.on('error', () => (failed = true));
  const scratch = [Buffer.allocUnsafeSlow(SCRATCH), Buffer.allocUnsafeSlow(SCRATCH)];
  // What each buffer last handed to zlib, settled once zlib has consumed it (never rejected).
  const consumed: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  const write = (input: Buffer): Promise<void> =>
    new Promise((resolve) => {
      gzip.write(input, (error) => {
        if (error) failed = true;
        resolve();
      });
    });
  let turn = 0;
  let complete = false;
  try {
    for await (const chunk of body) {
      yield chunk;
      if (failed || size > maxBytes) continue;
      await consumed[turn];
      const length = scratch[turn].write(chunk);
      if (length > SCRATCH - 4) {
        // Within a character's bytes of full: the chunk may not have fit, so it goes whole.
        await write(Buffer.from(chunk));
      } else {
        consumed[turn] = write(scratch[turn].subarray(0, length));
        turn = 1 - turn;
      }
    }
    await Promise.all(consumed);
    complete = true;
  } finally {
    if (complete && !failed && size <= maxBytes) {
      gzip.once('end', () => {
        if (!failed && size <= maxBytes) keep(parts, size);
      });
      gzip.end();
    } else {
      gzip.destroy();
    }
  }
}

/**
 * Whether an Accept-Encoding header takes gzip: named with a weight above zero or, when not named,
 * through `*`.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [coding, ...parameters] = item.trim().toLowerCase().split(';');
    const q = parameters.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((w) => w !== undefined);
    weights.set(coding.trim(), q === undefined ? 1 : Number(q));
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}
