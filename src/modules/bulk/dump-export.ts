import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { DUMP_PARTS, MANIFEST_SQL } from './dump-format.js';

/** Rows fetched at a time: a batch of lines is one chunk of the body. */
const BATCH = 2000;

/**
 * The whole tracker as JSON Lines (`dump-format.ts`), read through cursors in one snapshot on a
 * connection of its own: the manifest's counts and every line agree, whatever is written meanwhile,
 * and memory stays a batch or two however large the database. Each chunk is a batch of lines.
 */
@Injectable()
export class DumpExport {
  constructor(private readonly db: Db) {}

  async *chunks(): AsyncGenerator<string> {
    const queries = [MANIFEST_SQL, ...DUMP_PARTS.map((part) => part.sql)].map((sql) => ({ sql, params: [] }));
    // No statement timeout: a cursor's query runs for as long as the client takes to read it.
    for await (const { rows } of this.db.cursors<{ line: string }>(queries, BATCH, undefined, 0)) {
      let chunk = '';
      for (const row of rows) chunk += `${row.line}\n`;
      yield chunk;
    }
  }
}
