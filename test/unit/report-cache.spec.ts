import { crc32, gunzipSync, gzipSync } from 'node:zlib';
import { crc32Combine, gzipOf, pieceOf, textOf } from '../../src/modules/reports/gzip-pieces.js';
import { reportLayout, reportPieces, ROWS_PER_PIECE, slugOfLine } from '../../src/modules/reports/report-body.js';
import { acceptsGzip } from '../../src/common/http/accept-encoding.js';
import { keeping, type KeptReport, updatedReport } from '../../src/modules/reports/report-cache.js';
import type { ReportLine, RowChange } from '../../src/modules/proposals/progress-lines.js';
import type { Momentum } from '../../src/modules/proposals/workflow/momentum.js';
import type { Status } from '../../src/modules/proposals/workflow/statuses.js';
import type { ReportFormat } from '../../src/modules/proposals/progress-lines.js';
import { seededRandom } from '../../bench/seeded-random.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));
const waitFor = async <T>(read: () => T | undefined): Promise<T | undefined> => {
  for (let i = 0; i < 200 && read() === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  return read();
};

describe('gzip pieces', () => {
  it('combines the CRC-32s of two runs of bytes into the one gzip writes for both', () => {
    const next = seededRandom(1);
    for (const size of [0, 1, 7, 8, 9, 1000, 65_537]) {
      const bytes = Buffer.from(Array.from({ length: size }, () => Math.floor(next() * 256)));
      const gzip = gzipSync(bytes);
      for (const cut of [0, Math.floor(size / 3), size]) {
        const [a, b] = [bytes.subarray(0, cut), bytes.subarray(cut)];
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(gzip.readUInt32LE(gzip.length - 8));
      }
    }
  });

  it('frames pieces compressed apart as one gzip body, and a piece can be swapped for another', () => {
    const texts = ['{"a":[', 'é'.repeat(30_000), ',"Евразийская хартия"', '', ']}'];
    const pieces = texts.map((text) => pieceOf(Buffer.from(text)));
    expect(gunzipSync(Buffer.concat(gzipOf(pieces).gzip)).toString()).toBe(texts.join(''));
    pieces[1] = pieceOf(Buffer.from('"changed"'));
    expect(gunzipSync(Buffer.concat(gzipOf(pieces).gzip)).toString()).toBe('{"a":["changed","Евразийская хартия"]}');
    expect(gunzipSync(Buffer.concat(gzipOf([]).gzip)).toString()).toBe('');
  });
});

const STATUSES: Status[] = ['floated', 'proposed', 'drafting', 'adopted', 'suspended', 'rejected'];
const MOMENTA: Momentum[] = ['advancing', 'active', 'stalled', 'concluded'];

interface Row {
  slug: string;
  title: string;
  status: Status;
  momentum: Momentum;
}

/** A row as the database writes it: JSON with the report's fields, or a CSV line. */
function lineOf(format: ReportFormat, row: Row): string {
  if (format === 'csv') return `"${row.slug}","${row.title.replace(/"/g, '""')}","${row.status}","${row.momentum}"`;
  return JSON.stringify({ slug: row.slug, title: row.title, status: row.status, momentum: row.momentum });
}

function reportLine(format: ReportFormat, row: Row): ReportLine {
  return { status: row.status, momentum: row.momentum, line: lineOf(format, row) };
}

/** The rows as batches arriving from the database, by slug in "C" order. */
async function* batchesOf(format: ReportFormat, rows: Row[], failAt = -1): AsyncGenerator<ReportLine[]> {
  const sorted = [...rows].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  for (let start = 0, batch = 0; start < sorted.length || batch === 0; start += 1000, batch += 1) {
    await settle();
    if (batch === failAt) throw new Error('the database went away');
    yield sorted.slice(start, start + 1000).map((row) => reportLine(format, row));
  }
}

/** The body `keeping` sends for these rows, and the report it keeps. */
async function keep(format: ReportFormat, rows: Row[]): Promise<{ text: string; report: KeptReport }> {
  let report: KeptReport | undefined;
  let text = '';
  const layout = reportLayout(format, '2024-07-04', 365);
  for await (const part of keeping(reportPieces(layout, batchesOf(format, rows)), format, '5:9:7', 1 << 30, (r) => {
    report = r;
  })) {
    text += part;
  }
  return { text, report: (await waitFor(() => report)) as KeptReport };
}

const bodyOf = (report: KeptReport): string => gunzipSync(Buffer.concat(report.gzip)).toString();

describe('keeping', () => {
  it('passes the body through and keeps it gzipped, in pieces, once it is read to its end', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({
      slug: `p-${String(i).padStart(4, '0')}`,
      title: i % 7 === 0 ? `Хартия "${i}", a, b` : `Title ${i}`,
      status: STATUSES[i % STATUSES.length],
      momentum: MOMENTA[i % MOMENTA.length],
    }));
    for (const format of ['json', 'csv'] as const) {
      const { text, report } = await keep(format, rows);
      expect(bodyOf(report)).toBe(text);
      // Each piece holds its own text, whole: compressed through one stream, cut at its flushes.
      expect([report.head, ...report.rows, report.tail].map(textOf).join('')).toBe(text);
      const layout = reportLayout(format, '2024-07-04', 365);
      for (const run of report.rows) {
        const lines = layout.split(textOf(run), run.lengths, run.leads);
        expect(slugOfLine(lines[0])).toBe(run.first);
        expect(layout.rows(lines, run.leads)).toBe(textOf(run));
      }
      expect(report.gzipBytes).toBe(Buffer.concat(report.gzip).length);
      expect(report.snapshot).toBe('5:9:7');
      expect(report.rowCount).toBe(450);
      expect(report.rows.map((run) => run.lengths.length)).toEqual([200, 200, 50]);
      expect(report.rows.map((run) => run.first)).toEqual(['p-0000', 'p-0200', 'p-0400']);
      if (format === 'json') {
        const parsed = JSON.parse(text);
        expect(parsed.proposals).toHaveLength(450);
        expect(parsed.totals.total).toBe(450);
        expect(report.counts).toEqual({ totals: parsed.totals, byStatus: parsed.byStatus });
      } else {
        expect(report.counts).toBeUndefined();
      }
    }
  });

  it('keeps text of any size and script byte for byte, past the buffers it is copied through', async () => {
    const rows = [
      {
        slug: 'a',
        title: 'Евразийская хартия, '.repeat(20_000),
        status: 'proposed' as const,
        momentum: 'active' as const,
      },
      { slug: 'b', title: 'é'.repeat(100_000), status: 'proposed' as const, momentum: 'active' as const },
    ];
    const { text, report } = await keep('json', rows);
    expect(bodyOf(report)).toBe(text);
    expect(JSON.parse(text).proposals[0].title).toBe(rows[0].title);
  });

  it('keeps nothing of a body read in part, one that failed, or one over the budget', async () => {
    const layout = reportLayout('json', '2024-07-04', 365);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      slug: `s${i}`,
      title: Math.random().toString(36),
      status: 'proposed' as const,
      momentum: 'stalled' as const,
    }));
    const kept: KeptReport[] = [];
    const into = (report: KeptReport) => kept.push(report);
    for await (const text of keeping(reportPieces(layout, batchesOf('json', rows)), 'json', '1:1:', 1 << 30, into)) {
      if (text.startsWith(',')) break;
    }
    await expect(async () => {
      const failing = reportPieces(layout, batchesOf('json', rows, 2));
      for await (const text of keeping(failing, 'json', '1:1:', 1 << 30, into)) void text;
    }).rejects.toThrow('the database went away');
    for await (const text of keeping(reportPieces(layout, batchesOf('json', rows)), 'json', '1:1:', 1024, into)) {
      void text;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(kept).toEqual([]);
  });
});

describe('updatedReport', () => {
  /**
   * Random reports changed at random — rows put in before, between and after the others, replaced
   * and taken out, runs emptied and overgrown — must read exactly as the changed rows kept afresh.
   */
  it.each([
    ['json', 1],
    ['json', 2],
    ['csv', 3],
    ['csv', 4],
  ] as const)('reads as the changed rows computed afresh (%s, seed %i)', async (format, seed) => {
    const next = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const slug = () => `${pick(['a', 'k', 'm', 'z'])}-${Math.floor(next() * 100_000)}`;
    const rowAt = (name: string): Row => ({
      slug: name,
      title:
        next() < 0.2 ? `"Quoted", ${name}\r\nsecond line` : `Proposal ${name} ${'x'.repeat(Math.floor(next() * 80))}`,
      status: pick(STATUSES),
      momentum: pick(MOMENTA),
    });
    const layout = reportLayout(format, '2024-07-04', 365);
    let rows = new Map<string, Row>();
    for (let i = 0; i < 700; i += 1) {
      const row = rowAt(slug());
      rows.set(row.slug, row);
    }
    let { report } = await keep(format, [...rows.values()]);
    for (let round = 0; round < 12; round += 1) {
      const changes = new Map<string, RowChange>();
      const existing = [...rows.keys()];
      const kind = round % 4;
      const count = kind === 3 ? 450 : Math.floor(next() * 60) + 1;
      const touched = new Set<string>();
      for (let i = 0; i < count; i += 1) {
        // Round 3 of 4: many rows into one place (a run outgrows twice its size); else anything.
        const name = kind === 3 ? `m-${round}-${String(i).padStart(3, '0')}` : next() < 0.4 ? slug() : pick(existing);
        if (name === undefined || touched.has(name)) continue;
        touched.add(name);
        if (rows.has(name) && next() < 0.4) {
          rows.delete(name);
          changes.set(name, { slug: name, line: null });
        } else {
          const row = rowAt(name);
          rows.set(name, row);
          changes.set(name, { slug: name, line: lineOf(format, row), status: row.status, momentum: row.momentum });
        }
      }
      // Round 6: every row but a few taken out, then (round 7) the report emptied and refilled.
      if (round === 6 || round === 7) {
        const keepOnly = round === 6 ? 3 : 0;
        for (const name of [...rows.keys()].slice(keepOnly)) {
          rows.delete(name);
          changes.set(name, { slug: name, line: null });
        }
      }
      const updated = updatedReport(report, layout, [...changes.values()], `${round}:${round}:`);
      const afresh = await keep(format, [...rows.values()]);
      expect(bodyOf(updated)).toBe(afresh.text);
      expect(updated.rowCount).toBe(rows.size);
      expect(updated.counts).toEqual(afresh.report.counts);
      expect(updated.snapshot).toBe(`${round}:${round}:`);
      for (const run of updated.rows) {
        expect(run.lengths.length).toBeGreaterThan(0);
        expect(run.lengths.length).toBeLessThanOrEqual(2 * ROWS_PER_PIECE);
      }
      if (round === 7) {
        expect(updated.rows).toEqual([]);
        const refill = [rowAt('b-1'), rowAt('a-1')];
        rows = new Map(refill.map((row) => [row.slug, row]));
        report = updatedReport(
          updated,
          layout,
          refill.map((row) => ({
            slug: row.slug,
            line: lineOf(format, row),
            status: row.status,
            momentum: row.momentum,
          })),
          'refilled',
        );
        expect(bodyOf(report)).toBe((await keep(format, refill)).text);
      } else {
        report = updated;
      }
    }
  });

  it('compresses again only the pieces changed, and keeps the same body when nothing changed', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      slug: `p-${String(i).padStart(4, '0')}`,
      title: `Title ${i}`,
      status: 'drafting' as const,
      momentum: 'advancing' as const,
    }));
    const { report } = await keep('json', rows);
    const layout = reportLayout('json', '2024-07-04', 365);
    const same = updatedReport(report, layout, [], 'later');
    expect(same.snapshot).toBe('later');
    expect(same.gzip).toBe(report.gzip);
    const row = { ...rows[450], title: 'Renamed', momentum: 'stalled' as const };
    const updated = updatedReport(report, layout, [{ ...row, line: lineOf('json', row) }], 'later');
    // Only the run holding the row was compressed again; pieces lying together are sent as one.
    expect(updated.rows.map((run, i) => run.deflated.equals(report.rows[i].deflated))).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(updated.gzip.length).toBeLessThan(2 + 7); // header, head, 5 runs, tail, trailer
    const body = JSON.parse(bodyOf(updated));
    expect(body.proposals[450].title).toBe('Renamed');
    expect(body.totals).toMatchObject({ advancing: 999, stalled: 1, total: 1000 });
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
