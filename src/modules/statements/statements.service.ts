import { listOf } from '../../common/i18n/wording.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { firstDay, isPartialDate, lastDay } from '../../common/dates/partial-date.js';
import { toWorldDate, worldDateOf } from '../../common/dates/world-date.js';
import { DomainError, invalid, notFound, unknownReference } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { isUuid } from '../../common/http/uuid.pipe.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import { ActorsService } from '../actors/actors.service.js';
import { EventsService } from '../events/events.service.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { sourceKey } from '../sources/source-key.js';
import { SourcesService } from '../sources/sources.service.js';
import type {
  CreateStatementDto,
  ListStatementsQueryDto,
  RetractStatementDto,
  StanceInputDto,
  StatementDto,
  UpdateStatementDto,
} from './dto/statements.dto.js';
import type { Stance } from '../../common/dto/stance.js';
import type { ResolvedActor } from '../actors/dto/actors.dto.js';
import type { EventRefDto } from '../events/dto/events.dto.js';
import { type StatementRow, StatementsRepository, toStatementDto } from './statements.repository.js';
import type { RequestContext } from '../../common/context/request-context.js';

/**
 * Logs, edits and retracts statements. A statement changes what the proposals it concerns show
 * (stance counts, last activity), so each write locks those proposals — always after the
 * statement itself and in id order, so concurrent writers never deadlock — and marks them changed.
 */
@Injectable()
export class StatementsService implements OnModuleInit {
  constructor(
    private readonly statements: StatementsRepository,
    private readonly audit: AuditService,
    private readonly proposals: ProposalsService,
    private readonly actors: ActorsService,
    private readonly events: EventsService,
    private readonly sources: SourcesService,
    private readonly db: Db,
  ) {}

  /**
   * Speakers move with an actor merged into another; the proposals their statements concern get a
   * new version and a change mark (their timelines name the speaker).
   */
  onModuleInit(): void {
    this.actors.registerReferenceHolder({
      moveActorReferences: async (from, into, manager) => {
        const { moved, proposalIds } = await this.statements.moveSpeaker(from, into, manager);
        await this.proposals.touch(proposalIds, manager);
        return { speakers: moved };
      },
    });
  }

  async get(id: string): Promise<StatementRow> {
    const statement = await this.statements.findById(id);
    if (!statement) throw notFound('statement', id);
    return statement;
  }

  /** The statement with this speaker, date and words, retracted or not (the seeds' natural key). */
  findByNaturalKey(key: {
    speaker: string;
    saidOn: string;
    quote: string | null;
    summary: string | null;
  }): Promise<string | null> {
    return this.statements.findByNaturalKey(key);
  }

  /**
   * The statement a new one would repeat — the same speaker (as resolved: a merged actor's slug
   * names the one it went into), date, source and words — or null: an import's natural key.
   */
  async existing(input: CreateStatementDto): Promise<string | null> {
    const speaker = (await this.actors.resolve([input.speaker], this.db.manager)).get(input.speaker);
    if (speaker === undefined) return null;
    return this.statements.findByNaturalKey({
      speaker: speaker.slug,
      saidOn: toWorldDate(input.saidOn).value,
      quote: input.quote ?? null,
      summary: input.summary ?? null,
      sourceKey: sourceKey({
        ...input.source,
        publishedOn: input.source.publishedOn === undefined ? null : toWorldDate(input.source.publishedOn),
      }),
    });
  }

  /** `proposalSlug` from the path takes the place of the `proposal` filter (404 if unknown). */
  async list(query: ListStatementsQueryDto, proposalSlug?: string): Promise<Page<StatementDto>> {
    const proposal = proposalSlug ?? query.proposal;
    let proposalId: string | undefined;
    if (proposal !== undefined) {
      const id = await this.proposals.idBySlug(proposal);
      // An unknown proposal in the path is a 404; as a filter it simply matches nothing.
      if (id === null && proposalSlug !== undefined) throw notFound('proposal', proposalSlug);
      if (id === null) return { data: [], page: { limit: query.limit, nextCursor: null } };
      proposalId = id;
    }
    const includeRetracted = query.includeRetracted ?? false;
    const bound = {
      resource: 'statements',
      proposal,
      speaker: query.speaker,
      onBehalfOf: query.onBehalfOf,
      event: query.event,
      stance: query.stance,
      from: query.from,
      to: query.to,
      q: query.q,
      includeRetracted,
    };
    let after: unknown[] | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, bound);
      const firstValid = query.q === undefined ? isPartialDate(after[0]) : typeof after[0] === 'number';
      if (after.length !== 2 || !firstValid || typeof after[1] !== 'string' || !isUuid(after[1])) {
        throw invalid('cursor', 'is not a cursor this API issued');
      }
    }
    const rows = await this.statements.list(
      {
        proposalId,
        speaker: query.speaker,
        onBehalfOf: query.onBehalfOf,
        event: query.event,
        stance: query.stance,
        fromDay: query.from === undefined ? undefined : firstDay(query.from),
        toDay: query.to === undefined ? undefined : lastDay(query.to),
        q: query.q,
        includeRetracted,
      },
      query.limit,
      after,
    );
    const keyOf = (row: StatementRow): unknown[] => [query.q === undefined ? row.saidOn : (row.rank ?? 0), row.id];
    return toPage(rows, query.limit, bound, keyOf, toStatementDto);
  }

  /**
   * Records a statement in one transaction: what it names resolved (a 422 for the first that does
   * not exist), the proposals it concerns locked in id order, its source found or created, the
   * statement and its stances inserted, the proposals' derived fields brought up to date, and the
   * write recorded.
   */
  async create(input: CreateStatementDto, user: AuthenticatedUser, context: RequestContext): Promise<StatementDto> {
    requireContent(input.quote, input.summary);
    return this.db.transaction(async (manager) => {
      const speaker = await this.resolveSpeaker(input.speaker, manager);
      const principal =
        input.onBehalfOf === undefined ? null : await this.resolvePrincipal(input.onBehalfOf, speaker.slug, manager);
      const event = input.event === undefined ? null : await this.resolveEvent(input.event, manager);
      const locked = await this.proposals.lockBySlugs(
        input.proposals.map((s) => s.slug),
        manager,
      );
      const stances = matchStances(input.proposals, locked);
      const [source] = await this.sources.findOrCreate([input.source], manager);
      const saidOn = toWorldDate(input.saidOn);
      const fields = {
        speakerRole: input.speakerRole ?? null,
        saidOn,
        quote: input.quote ?? null,
        summary: input.summary ?? null,
        language: input.language ?? 'en',
        note: input.note ?? null,
      };
      const inserted = await this.statements.insert(
        {
          ...fields,
          speakerId: speaker.id,
          onBehalfOf: principal?.id ?? null,
          eventId: event?.id ?? null,
          sourceId: source.id,
          recordedBy: user.id,
          stances: stances.map((s) => ({ proposalId: s.proposal.id, stance: s.stance })),
        },
        manager,
      );
      await this.proposals.noteNewStatement(
        stances.map((s) => s.proposal.id),
        inserted.id,
        manager,
      );
      const created: StatementDto = {
        id: inserted.id,
        speaker: { slug: speaker.slug, name: speaker.name, kind: speaker.kind },
        onBehalfOf: principal === null ? null : { slug: principal.slug, name: principal.name, kind: principal.kind },
        speakerRole: fields.speakerRole,
        saidOn: saidOn.value,
        saidOnCertainty: saidOn.certainty,
        saidOnBasis: saidOn.basis,
        event:
          event === null
            ? null
            : {
                slug: event.slug,
                name: event.name,
                kind: event.kind,
                startsOn: event.startsOn,
                startsOnCertainty: event.startsOnCertainty,
                startsOnBasis: event.startsOnBasis,
              },
        quote: fields.quote,
        summary: fields.summary,
        language: fields.language,
        note: fields.note,
        source,
        proposals: stances
          .map((s) => ({ slug: s.proposal.slug, title: s.proposal.title, stance: s.stance }))
          .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)),
        recordedAt: inserted.recordedAt.toISOString(),
        recordedBy: { id: user.id, name: user.name },
        retracted: false,
        retractedAt: null,
        retractedBy: null,
        retractionReason: null,
        updatedAt: inserted.updatedAt.toISOString(),
        version: inserted.version,
      };
      await this.audit.record(context, {
        action: 'create',
        entityType: 'statement',
        entityId: created.id,
        before: null,
        after: created,
        change: {
          type: 'statement.recorded',
          summary: statementSummary(created),
          data: created,
          subject: { type: 'statement', id: created.id },
          proposalIds: stances.map((s) => s.proposal.id),
          actorSlugs: actorsOf(created),
        },
      });
      return created;
    });
  }

  async update(id: string, version: number, input: UpdateStatementDto, context: RequestContext): Promise<StatementRow> {
    return this.db.transaction(async (manager) => {
      const current = await this.statements.lock(id, manager);
      if (!current) throw notFound('statement', id);
      if (current.retracted) {
        throw new DomainError('conflict', 'a retracted statement is kept as it was and cannot be edited');
      }
      if (current.version !== version) throw staleVersion('the statement', current.version);
      const before = await this.statements.proposalIds(id, manager);
      const stances = input.proposals === undefined ? undefined : await this.resolveStances(input.proposals, manager);
      const affected = [...new Set([...before, ...(stances ?? []).map((s) => s.proposalId)])];
      await this.proposals.lockByIds(affected, manager);
      const row = (await this.statements.findById(id, manager)) as StatementRow;
      const quote = input.quote === undefined ? row.quote : input.quote;
      const summary = input.summary === undefined ? row.summary : input.summary;
      requireContent(quote ?? undefined, summary ?? undefined);
      const source =
        input.source === undefined ? undefined : (await this.sources.findOrCreate([input.source], manager))[0];
      const speaker = input.speaker === undefined ? undefined : await this.resolveSpeaker(input.speaker, manager);
      let onBehalfOf: string | null | undefined;
      if (input.onBehalfOf === null) onBehalfOf = null;
      else if (input.onBehalfOf !== undefined) {
        onBehalfOf = (await this.resolvePrincipal(input.onBehalfOf, (speaker ?? row.speaker).slug, manager)).id;
      } else if (speaker !== undefined && row.onBehalfOf !== null && row.onBehalfOf.slug === speaker.slug) {
        throw invalid(
          'onBehalfOf',
          'would name the new speaker itself: leave it out (null) when the speaker spoke for itself',
        );
      }
      const applied = await this.statements.update(
        id,
        version,
        {
          speakerId: speaker?.id,
          onBehalfOf,
          speakerRole: input.speakerRole,
          saidOn: worldDateOf(input.saidOn),
          eventId:
            input.event === undefined || input.event === null
              ? input.event
              : (await this.resolveEvent(input.event, manager)).id,
          quote: input.quote,
          summary: input.summary,
          language: input.language,
          note: input.note,
          sourceId: source?.id,
        },
        manager,
      );
      if (!applied) throw staleVersion('the statement', current.version);
      if (stances !== undefined) await this.statements.replaceStances(id, stances, manager);
      await this.proposals.touch(affected, manager);
      const updated = (await this.statements.findById(id, manager)) as StatementRow;
      const shown = toStatementDto(updated);
      await this.audit.recordEdit(context, 'statement', id, { ...toStatementDto(row) }, { ...shown }, (changed) => ({
        type: 'statement.updated',
        summary: `${statementSummary(shown)}: ${changed.join(', ')} edited`,
        data: shown,
        subject: { type: 'statement', id },
        proposalIds: affected,
        actorSlugs: [...new Set([...actorsOf(shown), ...actorsOf(toStatementDto(row))])],
      }));
      return updated;
    });
  }

  /** Flags the statement as retracted; it stays readable but no longer counts anywhere. */
  async retract(
    id: string,
    input: RetractStatementDto,
    user: AuthenticatedUser,
    context: RequestContext,
  ): Promise<StatementRow> {
    return this.db.transaction(async (manager) => {
      const current = await this.statements.lock(id, manager);
      if (!current) throw notFound('statement', id);
      if (current.retracted) throw new DomainError('retraction_refused', 'this statement is already retracted');
      const affected = await this.statements.proposalIds(id, manager);
      await this.proposals.lockByIds(affected, manager);
      await this.statements.retract(id, user.id, input.reason, manager);
      await this.proposals.touch(affected, manager);
      const retracted = (await this.statements.findById(id, manager)) as StatementRow;
      await this.audit.record(context, {
        action: 'retract',
        entityType: 'statement',
        entityId: id,
        before: { retracted: false },
        after: { retracted: true, reason: input.reason, proposals: retracted.proposals.map((p) => p.slug) },
        change: {
          type: 'statement.retracted',
          summary: `Retracted (${input.reason}): ${statementSummary(toStatementDto(retracted))}`,
          data: toStatementDto(retracted),
          subject: { type: 'statement', id },
          proposalIds: affected,
          actorSlugs: actorsOf(toStatementDto(retracted)),
        },
      });
      return retracted;
    });
  }

  private async resolveStances(
    stances: StanceInputDto[],
    manager: EntityManager,
  ): Promise<{ proposalId: string; stance: Stance }[]> {
    const found = await this.proposals.refsBySlugs(
      stances.map((s) => s.slug),
      manager,
    );
    return matchStances(stances, found).map((s) => ({ proposalId: s.proposal.id, stance: s.stance }));
  }

  private async resolveSpeaker(slug: string, manager: EntityManager): Promise<ResolvedActor> {
    const speaker = (await this.actors.resolve([slug], manager)).get(slug);
    if (!speaker) throw unknownReference('speaker', 'actor', slug);
    return speaker;
  }

  /**
   * The actor a statement is made on behalf of: a 422 if unknown, a 400 if it is the speaker (its
   * slug, as resolved: an actor's own, never a merged one's) itself.
   */
  private async resolvePrincipal(slug: string, speakerSlug: string, manager: EntityManager): Promise<ResolvedActor> {
    const principal = (await this.actors.resolve([slug], manager)).get(slug);
    if (!principal) throw unknownReference('onBehalfOf', 'actor', slug);
    if (principal.slug === speakerSlug) {
      throw invalid('onBehalfOf', 'names the speaker itself: leave it out when the speaker spoke for itself');
    }
    return principal;
  }

  private async resolveEvent(slug: string, manager: EntityManager): Promise<EventRefDto & { id: string }> {
    const event = await this.events.refBySlug(slug, manager);
    if (event === null) throw unknownReference('event', 'event', slug);
    return event;
  }
}

/** Each stance with the proposal found under its slug; a slug nothing has is a 422 naming the entry. */
function matchStances<T>(stances: StanceInputDto[], found: Map<string, T>): { proposal: T; stance: Stance }[] {
  return stances.map((s, index) => {
    const proposal = found.get(s.slug);
    if (proposal === undefined) throw unknownReference(`proposals[${index}].slug`, 'proposal', s.slug);
    return { proposal, stance: s.stance };
  });
}

/** A statement records words (a quote) or their gist (a summary), or both. */
function requireContent(quote: string | undefined | null, summary: string | undefined | null): void {
  if ((quote ?? null) === null && (summary ?? null) === null) {
    throw invalid('quote', 'or summary is required: a statement needs the words said or their gist');
  }
}

const STANCE_VERBS: Record<Stance, string> = { supports: 'supports', opposes: 'opposes', neutral: 'speaks of' };

/** The actors a statement concerns beyond its proposals: its speaker, and whom it spoke for. */
function actorsOf(statement: StatementDto): string[] {
  return statement.onBehalfOf === null ? [statement.speaker.slug] : [statement.speaker.slug, statement.onBehalfOf.slug];
}

/** "Alexander Trofimov supports Eurasian Charter… (2025-10-29)": who, which stance on what, when. */
function statementSummary(statement: StatementDto): string {
  const byStance = (['supports', 'opposes', 'neutral'] as const)
    .map((stance) => ({ stance, titles: statement.proposals.filter((p) => p.stance === stance).map((p) => p.title) }))
    .filter((group) => group.titles.length > 0)
    .map((group) => `${STANCE_VERBS[group.stance]} ${listOf(group.titles)}`);
  const speaker =
    statement.onBehalfOf === null
      ? statement.speaker.name
      : `${statement.speaker.name} (for ${statement.onBehalfOf.name})`;
  return `${speaker} ${listOf(byStance, 'speaks')} (${statement.saidOn})`;
}
