import { Injectable } from '@nestjs/common';
import { today } from '../../common/dates/partial-date.js';
import { DomainError, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { ActorsService } from '../actors/actors.service.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import type { PositionsQueryDto, PositionsReportQueryDto } from './dto/positions.dto.js';
import { POSITIONS_CSV_HEADER, type PositionsReportFilters, PositionsRepository } from './positions.repository.js';

/** Rows per batch read from the database for the report. */
const ROWS_PER_BATCH = 1000;

/** A positions report ready to stream: its body in chunks, and how to let go of its cursor. */
export interface PositionsReport {
  asOf: string;
  body: AsyncIterable<string>;
  /** Ends the cursor behind the body, read to the end or not: call it once the response is closed. */
  close(): Promise<void>;
}

/** Who stands where (contract §6): positions for one proposal, for one actor, and as a report. */
@Injectable()
export class PositionsService {
  constructor(
    private readonly positions: PositionsRepository,
    private readonly proposals: ProposalsService,
    private readonly actors: ActorsService,
  ) {}

  /** The proposal's positions (`ProposalPositionsDto`) as JSON text, written by PostgreSQL. */
  async ofProposal(slug: string, query: PositionsQueryDto): Promise<string> {
    const asOf = query.asOf ?? today();
    const found = await this.positions.ofProposal(slug, asOf);
    if (found === null) throw notFound('proposal', slug);
    if (query.asOf !== undefined && !found.existed) {
      throw new DomainError('not_found', `proposal "${slug}" was not yet recorded on ${query.asOf}`);
    }
    return `{"slug":${JSON.stringify(slug)},"asOf":"${asOf}","positions":${found.positions}}`;
  }

  /** The actor's positions (`ActorPositionsDto`) as JSON text, as {@link ofProposal}. */
  async ofActor(slug: string, query: PositionsQueryDto): Promise<string> {
    const asOf = query.asOf ?? today();
    const actor = await this.actors.get(slug);
    const ref = JSON.stringify({ slug: actor.slug, name: actor.name, kind: actor.kind });
    return `{"actor":${ref},"asOf":"${asOf}","positions":${await this.positions.ofActor(actor.id, asOf)}}`;
  }

  /** The report's body as JSON (`{asOf, rows}`) or CSV (a header line, CRLF line ends), streamed from a cursor. */
  async report(query: PositionsReportQueryDto, format: 'json' | 'csv'): Promise<PositionsReport> {
    const asOf = query.asOf ?? today();
    const filters: PositionsReportFilters = { tag: query.tag, actorKind: query.actorKind };
    if (query.proposal !== undefined) {
      const id = await this.proposals.idBySlug(query.proposal);
      if (id === null) throw unknownReference('proposal', 'proposal', query.proposal);
      filters.proposalId = id;
    }
    if (query.forum !== undefined) {
      const forum = (await this.actors.resolve([query.forum])).get(query.forum);
      if (forum === undefined) throw unknownReference('forum', 'actor', query.forum);
      filters.forumId = forum.id;
    }
    const batches = this.positions.report(asOf, filters, format, ROWS_PER_BATCH);
    async function* body(): AsyncGenerator<string> {
      let first = true;
      yield format === 'csv'
        ? `${POSITIONS_CSV_HEADER.map((column) => `"${column}"`).join(',')}\r\n`
        : `{"asOf":"${asOf}","rows":[`;
      for await (const rows of batches) {
        const lines = rows.map((row) => row.line);
        if (format === 'csv') {
          yield `${lines.join('\r\n')}\r\n`;
        } else {
          yield (first ? '' : ',') + lines.join(',');
          first = false;
        }
      }
      if (format === 'json') yield ']}';
    }
    return {
      asOf,
      body: body(),
      close: async () => {
        await batches.return(undefined);
      },
    };
  }
}
