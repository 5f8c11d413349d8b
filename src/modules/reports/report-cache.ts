import type { Momentum } from '../proposals/workflow/momentum.js';
import type { Status } from '../proposals/workflow/statuses.js';
import type { ReportFormat, RowChange } from '../proposals/progress-lines.js';
import { type GzipPiece, gzipOf, packed, PieceCompressor, pieceOf, textOf } from './gzip-pieces.js';
import {
  count,
  ROWS_PER_PIECE,
  type ReportCounts,
  type ReportLayout,
  type ReportPiece,
  slugOfLine,
} from './report-body.js';

/** A run of a kept report's rows, compressed on its own. */
export interface KeptRows extends GzipPiece {
  /** The slug of its first row: runs are in slug order. */
  first: string;
  /** Each row's length in characters, to take the text apart again. */
  lengths: Uint32Array;
  /** Whether its text starts with a separator. */
  leads: boolean;
}

/**
 * A finished report kept for repeats: the snapshot its rows were read in, and its body gzipped,
 * piece by piece (a head, runs of rows, a tail), so that a row can be replaced by compressing its
 * run again; `gzip` is the body framed for sending.
 */
export interface KeptReport {
  snapshot: string;
  format: ReportFormat;
  head: GzipPiece;
  rows: KeptRows[];
  tail: GzipPiece;
  /** What the JSON tail counts (none for CSV). */
  counts?: ReportCounts;
  rowCount: number;
  gzip: Buffer[];
  gzipBytes: number;
  /** What the cache counts against its budget. */
  bytes: number;
}

/** Bytes of one of the two buffers a body's text is copied into on its way to zlib. */
const SCRATCH = 256 * 1024;

function kept(
  snapshot: string,
  format: ReportFormat,
  head: GzipPiece,
  rows: KeptRows[],
  tail: GzipPiece,
  counts: ReportCounts | undefined,
): KeptReport {
  let pieces: (GzipPiece | KeptRows)[] = [head, ...rows, tail];
  let framed = gzipOf(pieces);
  let gzipBytes = framed.gzip.reduce((total, part) => total + part.length, 0);
  if (framed.retained > 2 * gzipBytes + 256 * 1024) {
    // Pieces compressed again over time have left more old bytes held than the body has: copy out.
    pieces = packed(pieces);
    framed = gzipOf(pieces);
    gzipBytes = framed.gzip.reduce((total, part) => total + part.length, 0);
  }
  let rowCount = 0;
  let lengths = 0;
  for (const run of rows) {
    lengths += run.lengths.byteLength;
    rowCount += run.lengths.length;
  }
  return {
    snapshot,
    format,
    head: pieces[0],
    rows: pieces.slice(1, -1) as KeptRows[],
    tail: pieces[pieces.length - 1],
    counts,
    rowCount,
    gzip: framed.gzip,
    gzipBytes,
    bytes: framed.retained + lengths,
  };
}

function keptRows(piece: GzipPiece, lines: readonly string[], leads: boolean): KeptRows {
  return { ...piece, first: slugOfLine(lines[0]), lengths: Uint32Array.from(lines, (line) => line.length), leads };
}

/**
 * The text of `pieces`, passed through unchanged and compressed on the side (fastest level, on
 * libuv's threads, through one zlib stream), piece by piece: when the body has been read to its end, `keep` gets it as a
 * {@link KeptReport} read in `snapshot`. Nothing is kept of a body read in part (the client went
 * away) or failed, nor of one that compresses to more than `maxBytes`.
 *
 * The text reaches zlib through two buffers used in turn, each refilled once zlib has consumed what
 * it held: a buffer per piece instead would leave tens of megabytes of dead buffers per report for
 * the garbage collector to find.
 */
export async function* keeping(
  pieces: AsyncIterable<ReportPiece>,
  format: ReportFormat,
  snapshot: string,
  maxBytes: number,
  keep: (report: KeptReport) => void,
): AsyncGenerator<string> {
  const compressor = new PieceCompressor();
  const compressed: Promise<GzipPiece | undefined>[] = [];
  const runs: Omit<KeptRows, keyof GzipPiece>[] = [];
  let counts: ReportCounts | undefined;
  let size = 0;
  let failed = false;
  const scratch = [Buffer.allocUnsafeSlow(SCRATCH), Buffer.allocUnsafeSlow(SCRATCH)];
  // What each buffer last handed to zlib, settled once zlib has consumed it.
  const consumed: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  const compress = (bytes: Buffer): Promise<GzipPiece | undefined> => {
    const piece = compressor.compress(bytes);
    void piece.then((done) => {
      if (done === undefined) failed = true;
      else size += done.deflated.length;
    });
    compressed.push(piece);
    return piece;
  };
  let turn = 0;
  try {
    for await (const piece of pieces) {
      if (piece.text !== '') yield piece.text;
      if (failed || size > maxBytes) continue;
      if (piece.lines !== undefined) {
        runs.push({
          first: slugOfLine(piece.lines[0]),
          lengths: Uint32Array.from(piece.lines, (line) => line.length),
          leads: piece.text.startsWith(','),
        });
      }
      if (piece.counts !== undefined && format === 'json') counts = piece.counts;
      await consumed[turn];
      const length = scratch[turn].write(piece.text);
      if (length > SCRATCH - 4) {
        // Within a character's bytes of full: the text may not have fit, so it goes whole.
        await compress(Buffer.from(piece.text));
      } else {
        consumed[turn] = compress(scratch[turn].subarray(0, length));
        turn = 1 - turn;
      }
    }
    // Read to its end: kept once every piece is compressed.
    const all = await Promise.all(compressed);
    if (failed || size > maxBytes) return;
    const done = all as GzipPiece[];
    const rows = runs.map((run, index): KeptRows => ({ ...done[index + 1], ...run }));
    keep(kept(snapshot, format, done[0], rows, done[done.length - 1], counts));
  } finally {
    compressor.close();
  }
}

/**
 * `report` brought up to `snapshot`: the rows of `changes` put in, replaced or taken out, each run
 * of rows they touch taken apart and compressed again (split when it has grown past twice its
 * size), the rest reused as it is.
 */
export function updatedReport(
  report: KeptReport,
  layout: ReportLayout,
  changes: readonly RowChange[],
  snapshot: string,
): KeptReport {
  if (changes.length === 0) return { ...report, snapshot };
  const sorted = [...changes].sort((a, b) => compareSlugs(a.slug, b.slug));
  const counts = report.counts === undefined ? undefined : structuredClone(report.counts);
  // Each change goes to the last run starting at or before its slug (the first run if none does).
  const byRun = new Map<number, RowChange[]>();
  for (const change of sorted) {
    const run = runFor(report.rows, change.slug);
    const list = byRun.get(run);
    if (list === undefined) byRun.set(run, [change]);
    else list.push(change);
  }
  const rows: KeptRows[] = [];
  // Rows compressed as one run, or as runs of the usual size once past twice that.
  const put = (lines: string[]): void => {
    const perRun = lines.length > 2 * ROWS_PER_PIECE ? ROWS_PER_PIECE : lines.length;
    for (let start = 0; start < lines.length; start += perRun) {
      const run = lines.slice(start, start + perRun);
      const leads = layout.separated && rows.length > 0;
      rows.push(keptRows(pieceOf(Buffer.from(layout.rows(run, leads))), run, leads));
    }
  };
  if (report.rows.length === 0) put(merged([], byRun.get(0) ?? [], counts));
  report.rows.forEach((run, index) => {
    const runChanges = byRun.get(index);
    if (runChanges === undefined && run.leads === (layout.separated && rows.length > 0)) {
      rows.push(run);
      return;
    }
    // Changed, or now first or no longer first (a JSON run's leading comma): written again.
    const lines = layout.split(textOf(run), run.lengths, run.leads);
    put(runChanges === undefined ? lines : merged(lines, runChanges, counts));
  });
  const tail = counts === undefined ? report.tail : pieceOf(Buffer.from(layout.tail(counts)));
  return kept(snapshot, report.format, report.head, rows, tail, counts);
}

/** Slugs in the order of PostgreSQL's "C" collation (slugs are ASCII). */
function compareSlugs(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function runFor(rows: readonly KeptRows[], slug: string): number {
  let low = 0;
  let high = rows.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (compareSlugs(rows[middle].first, slug) <= 0) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** `lines` (in slug order) with `changes` (in slug order) applied, and the counts moved with them. */
function merged(lines: readonly string[], changes: readonly RowChange[], counts: ReportCounts | undefined): string[] {
  const result: string[] = [];
  let i = 0;
  const put = (change: RowChange): void => {
    if (change.line === null) return;
    result.push(change.line);
    if (counts !== undefined) count(counts, change, 1);
  };
  for (const change of changes) {
    while (i < lines.length && compareSlugs(slugOfLine(lines[i]), change.slug) < 0) result.push(lines[i++]);
    if (i < lines.length && slugOfLine(lines[i]) === change.slug) {
      if (counts !== undefined) count(counts, JSON.parse(lines[i]) as { status: Status; momentum: Momentum }, -1);
      i += 1;
    }
    put(change);
  }
  while (i < lines.length) result.push(lines[i++]);
  return result;
}
