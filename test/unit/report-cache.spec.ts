import { gunzipSync } from 'node:zlib';
import { acceptsGzip, keepingGzipped, ReportCache } from '../../src/modules/reports/report-cache.js';

const entry = (bytes: number) => ({ snapshot: '1:1:', gzip: [Buffer.alloc(bytes)], bytes });

async function* chunks(parts: string[], failAt = -1): AsyncGenerator<string> {
  for (const [index, part] of parts.entries()) {
    await new Promise((resolve) => setImmediate(resolve)); // a batch arriving from the database
    if (index === failAt) throw new Error('the database went away');
    yield part;
  }
}

describe('ReportCache', () => {
  it('keeps reports within its byte budget, dropping the least recently used first', () => {
    const cache = new ReportCache(100);
    cache.set('a', entry(40));
    cache.set('b', entry(40));
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    cache.set('c', entry(40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.size).toEqual({ entries: 2, bytes: 80 });
    cache.set('a', entry(10)); // replaced, not added
    expect(cache.size).toEqual({ entries: 2, bytes: 50 });
    cache.set('huge', entry(101));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 2, bytes: 50 });
  });
});

describe('keepingGzipped', () => {
  it('passes the body through and keeps it gzipped once it is read to its end', async () => {
    const parts = ['{"proposals":[', '{"slug":"a"}', ',{"slug":"b"}', ']}'];
    let kept: Buffer | undefined;
    const read: string[] = [];
    const keep = (gzip: Buffer[], bytes: number) => {
      kept = Buffer.concat(gzip);
      expect(kept.length).toBe(bytes);
    };
    for await (const chunk of keepingGzipped(chunks(parts), 1024, keep)) read.push(chunk);
    expect(read).toEqual(parts);
    for (let i = 0; i < 50 && kept === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gunzipSync(kept as Buffer).toString()).toBe(parts.join(''));
  });

  it('keeps chunks of any size and script byte for byte, past the buffers they are copied through', async () => {
    const big = `{"title":"${'Евразийская хартия, '.repeat(20_000)}"}`; // ~740 kB of UTF-8
    const parts = ['[', big, ',', 'é'.repeat(100_000), ',', big, ']'];
    let kept: Buffer | undefined;
    for await (const _chunk of keepingGzipped(
      chunks(parts),
      64 * 1024 * 1024,
      (gzip) => (kept = Buffer.concat(gzip)),
    )) {
      void _chunk;
    }
    for (let i = 0; i < 100 && kept === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gunzipSync(kept as Buffer).toString()).toBe(parts.join(''));
  });

  it('keeps nothing of a body read in part, one that failed, or one over the budget', async () => {
    const kept: Buffer[][] = [];
    const keep = (gzip: Buffer[]) => kept.push(gzip);
    for await (const chunk of keepingGzipped(chunks(['a', 'b', 'c']), 1024, keep)) if (chunk === 'b') break;
    await expect(async () => {
      for await (const _chunk of keepingGzipped(chunks(['a', 'b', 'c'], 2), 1024, keep)) void _chunk;
    }).rejects.toThrow('the database went away');
    const random = Array.from({ length: 20 }, () => Math.random().toString(36)).join('');
    for await (const _chunk of keepingGzipped(chunks([random, random.split('').reverse().join('')]), 16, keep)) {
      void _chunk;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kept).toEqual([]);
  });
});

describe('acceptsGzip', () => {
  it('reads Accept-Encoding with its weights', () => {
    expect(acceptsGzip('gzip, deflate')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('deflate, *;q=0')).toBe(false);
  });
});
