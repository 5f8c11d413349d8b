import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Page } from '../../common/pagination/cursor.js';
import type { ListProposalsQueryDto, ProposalDto } from '../proposals/dto/proposals.dto.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { WorkflowService } from '../proposals/workflow.service.js';
import type { ListStatementsQueryDto, StatementDto } from '../statements/dto/statements.dto.js';
import { STATEMENT_EXPORT_ONLY_COLUMNS, STATEMENT_ROW_COLUMNS } from '../statements/statement-row.js';
import { StatementsService } from '../statements/statements.service.js';

/** Rows asked for at a time: the lists' largest page. */
const PAGE = 100;

/** Several values in one cell (proposals with stances, tags, …): separated so. */
const LIST = '; ';

/** A statement's columns: those an import takes (so an exported file imports again), then the record's own. */
export const STATEMENT_CSV_COLUMNS = [...STATEMENT_ROW_COLUMNS, ...STATEMENT_EXPORT_ONLY_COLUMNS] as const;

export const PROPOSAL_CSV_COLUMNS = [
  'slug',
  'title',
  'summary',
  'proposedOn',
  'proposedOnCertainty',
  'proposedOnBasis',
  'proposers',
  'forums',
  'tags',
  'parent',
  'status',
  'statusSince',
  'furthestStatus',
  'lastActivityOn',
  'momentum',
  'momentumReasons',
  'assessment',
  'duplicateOf',
  'createdAt',
  'updatedAt',
] as const;

export const TRANSITION_CSV_COLUMNS = [
  'proposal',
  'seq',
  'from',
  'to',
  'direction',
  'occurredOn',
  'occurredOnCertainty',
  'occurredOnBasis',
  'note',
  'sources',
  'statements',
  'recordedAt',
  'recordedBy',
  'retracted',
  'retractedAt',
  'retractionReason',
] as const;

type Row<C extends readonly string[]> = Record<C[number], string | number | boolean | null>;

function statementRow(s: StatementDto): Row<typeof STATEMENT_CSV_COLUMNS> {
  return {
    speaker: s.speaker.slug,
    speakerRole: s.speakerRole,
    onBehalfOf: s.onBehalfOf?.slug ?? null,
    saidOn: s.saidOn,
    saidOnCertainty: s.saidOnCertainty,
    saidOnBasis: s.saidOnBasis,
    event: s.event?.slug ?? null,
    quote: s.quote,
    summary: s.summary,
    language: s.language,
    proposals: s.proposals.map((p) => `${p.slug}:${p.stance}`).join(LIST),
    sourceUrl: s.source.url,
    sourcePublisher: s.source.publisher,
    sourceTitle: s.source.title,
    sourcePublishedOn: s.source.publishedOn,
    note: s.note,
    id: s.id,
    speakerName: s.speaker.name,
    recordedAt: s.recordedAt,
    recordedBy: s.recordedBy.name,
    retracted: s.retracted,
    retractedAt: s.retractedAt,
    retractionReason: s.retractionReason,
  };
}

function proposalRow(p: ProposalDto): Row<typeof PROPOSAL_CSV_COLUMNS> {
  return {
    slug: p.slug,
    title: p.title,
    summary: p.summary,
    proposedOn: p.proposedOn,
    proposedOnCertainty: p.proposedOnCertainty,
    proposedOnBasis: p.proposedOnBasis,
    proposers: p.proposers.map((a) => `${a.slug}:${a.role}`).join(LIST),
    forums: p.forums.map((a) => a.slug).join(LIST),
    tags: p.tags.join(LIST),
    parent: p.parent?.slug ?? null,
    status: p.status,
    statusSince: p.statusSince,
    furthestStatus: p.furthestStatus,
    lastActivityOn: p.lastActivityOn,
    momentum: p.momentum,
    momentumReasons: p.momentumReasons.join(LIST),
    assessment: p.assessment?.momentum ?? null,
    duplicateOf: p.duplicateOf?.slug ?? null,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/** Every page of a list, one after another, by its cursor: each match once, even while rows are added. */
async function* pages<Q extends { limit: number; cursor?: string }, T>(
  query: Omit<Q, 'limit' | 'cursor'>,
  list: (query: Q) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await list({ ...query, limit: PAGE, cursor } as Q);
    yield* page.data;
    cursor = page.page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * `items` with their first one already read: what the first page would refuse (an unknown
 * proposal, a stale cursor) is a problem answered as such, before the file's first byte.
 */
async function primed<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  return (async function* () {
    if (first.done === true) return;
    yield first.value;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  })();
}

/** RFC 4180 CSV of `rows`: a header line, CRLF line ends, fields quoted where they must be. */
function csv<C extends readonly string[]>(columns: C, rows: AsyncIterable<Row<C>>): Readable {
  const out = stringify({
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });
  const source = Readable.from(rows);
  source.once('error', (error) => out.destroy(error));
  out.once('close', () => source.destroy());
  return source.pipe(out);
}

/**
 * The lists as CSV files (contract §8): what `GET /statements`, `GET /proposals` and each proposal's
 * transitions answer, every page of them, with the same filters, streamed as the pages come.
 */
@Injectable()
export class CsvExports {
  constructor(
    private readonly statements: StatementsService,
    private readonly proposals: ProposalsService,
    private readonly workflow: WorkflowService,
  ) {}

  async statementsCsv(query: Omit<ListStatementsQueryDto, 'limit' | 'cursor'>): Promise<Readable> {
    const list = (q: ListStatementsQueryDto) => this.statements.list(q);
    return csv(STATEMENT_CSV_COLUMNS, await primed(map(pages(query, list), statementRow)));
  }

  async proposalsCsv(query: Omit<ListProposalsQueryDto, 'limit' | 'cursor'>): Promise<Readable> {
    const list = (q: ListProposalsQueryDto) => this.proposals.list(q);
    return csv(PROPOSAL_CSV_COLUMNS, await primed(map(pages(query, list), proposalRow)));
  }

  /** The whole history (retracted transitions flagged) of every proposal the filters match, by proposal. */
  async transitionsCsv(query: Omit<ListProposalsQueryDto, 'limit' | 'cursor'>): Promise<Readable> {
    const list = (q: ListProposalsQueryDto) => this.proposals.list(q);
    const workflow = this.workflow;
    async function* rows(): AsyncGenerator<Row<typeof TRANSITION_CSV_COLUMNS>> {
      for await (const proposal of pages(query, list)) {
        for (const t of await workflow.history(proposal.slug)) {
          yield {
            proposal: proposal.slug,
            seq: t.seq,
            from: t.from,
            to: t.to,
            direction: t.direction,
            occurredOn: t.occurredOn,
            occurredOnCertainty: t.occurredOnCertainty,
            occurredOnBasis: t.occurredOnBasis,
            note: t.note,
            sources: t.sources.map((s) => s.url ?? [s.publisher, s.title].filter(Boolean).join(', ')).join(LIST),
            statements: t.statements.map((s) => s.id).join(LIST),
            recordedAt: t.recordedAt,
            recordedBy: t.recordedBy.name,
            retracted: t.retracted,
            retractedAt: t.retractedAt,
            retractionReason: t.retractionReason,
          };
        }
      }
    }
    return csv(TRANSITION_CSV_COLUMNS, await primed(rows()));
  }
}

async function* map<T, U>(items: AsyncIterable<T>, to: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield to(item);
}
