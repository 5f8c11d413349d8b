import { once } from 'node:events';
import { constants, createGzip } from 'node:zlib';

/** A finished report kept for repeats: its body gzipped, and the snapshot its rows were read in. */
export interface CachedReport {
  snapshot: string;
  gzip: Buffer;
}

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
    if (entry.gzip.length > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.gzip.length;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.gzip.length;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/**
 * `body` passed through unchanged, gzipped on the side (fastest level, on libuv's threads): when it
 * has been read to its end, `keep` gets the whole body compressed. Nothing is kept of a body read
 * in part (the client went away) or failed, nor of one that compresses to more than `maxBytes`.
 */
export async function* keepingGzipped(
  body: AsyncIterable<string>,
  maxBytes: number,
  keep: (gzip: Buffer) => void,
): AsyncGenerator<string> {
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  const parts: Buffer[] = [];
  let size = 0;
  gzip.on('data', (part: Buffer) => {
    size += part.length;
    if (size <= maxBytes) parts.push(part);
  });
  gzip.on('error', () => undefined);
  let complete = false;
  try {
    for await (const chunk of body) {
      yield chunk;
      if (size <= maxBytes && !gzip.write(chunk)) await once(gzip, 'drain');
    }
    complete = true;
  } finally {
    if (complete && size <= maxBytes) {
      gzip.once('end', () => {
        if (size <= maxBytes) keep(Buffer.concat(parts));
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
