import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable, type Type } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { NO_REQUEST, type RequestContext } from '../../common/context/request-context.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { createValidationPipe } from '../../common/errors/validation.js';
import { toWorldDate, type WorldDateInput } from '../../common/dates/world-date.js';
import { CreateActorDto } from '../actors/dto/actors.dto.js';
import { ActorsService } from '../actors/actors.service.js';
import { CreateEventDto } from '../events/dto/events.dto.js';
import { EventsService } from '../events/events.service.js';
import { CreateProposalDto, UpdateProposalDto } from '../proposals/dto/proposals.dto.js';
import { TransitionProposalDto } from '../proposals/dto/transitions.dto.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { WorkflowService } from '../proposals/workflow.service.js';
import type { SourceInputDto } from '../sources/dto/source.dto.js';
import { CreateStatementDto } from '../statements/dto/statements.dto.js';
import { StatementsService } from '../statements/statements.service.js';
import { UsersService } from '../users/users.service.js';

/** The name of the user that seeded records are logged by. */
export const SEED_USER = 'seed';

/** A source as the data files keep it: the citation (its date with how it is known, a note), and the article's file. */
interface SeedSource extends SourceInputDto {
  file: string;
}

interface SeedTransition {
  to: string;
  occurredOn: WorldDateInput;
  note?: string;
  sources?: string[];
  /** Keys of seeded statements. */
  statements?: string[];
}

interface SeedProposal extends Record<string, unknown> {
  slug: string;
  sources?: string[];
  related?: { proposal: string; relation?: string }[];
  transitions: SeedTransition[];
}

interface SeedStatement extends Record<string, unknown> {
  key: string;
  speaker: string;
  saidOn: WorldDateInput;
  quote?: string;
  summary?: string;
  source: string;
}

export interface SeedData {
  sources: Record<string, SeedSource>;
  /** Each names the source (key) of the article it is drawn from. */
  actors: (Record<string, unknown> & { source: string })[];
  events: (Record<string, unknown> & { source: string })[];
  proposals: SeedProposal[];
  statements: SeedStatement[];
}

export interface SeedReport {
  created: Record<'actors' | 'events' | 'proposals' | 'transitions' | 'statements', number>;
  present: number;
}

/** The package's `seeds/data`, found from this file in the sources (tests) or in the build (`dist/`). */
function dataDirectory(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'seeds', 'data'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('seeds/data is not in this package');
    dir = parent;
  }
  return path.join(dir, 'seeds', 'data');
}

export async function readSeedData(directory = dataDirectory()): Promise<SeedData> {
  const read = async <T>(name: string): Promise<T> =>
    JSON.parse(await readFile(path.join(directory, `${name}.json`), 'utf8')) as T;
  return {
    sources: await read('sources'),
    actors: await read('actors'),
    events: await read('events'),
    proposals: await read('proposals'),
    statements: await read('statements'),
  };
}

/**
 * Loads the seed initiatives through the same services (and the same validation) as the API.
 * Idempotent: actors, events and proposals are matched by slug, statements by speaker, date and
 * words, transitions by target and date among those the seed user logged — retracted ones
 * included, so an editor's retraction is never undone by a second run.
 */
@Injectable()
export class SeedingService {
  constructor(
    private readonly users: UsersService,
    readonly actors: ActorsService,
    readonly events: EventsService,
    readonly proposals: ProposalsService,
    readonly workflow: WorkflowService,
    readonly statements: StatementsService,
  ) {}

  /** Whether the database holds no proposal yet (an empty one gets the seeds on first start). */
  async isEmpty(): Promise<boolean> {
    return !(await this.proposals.any());
  }

  async load(log: (line: string) => void = () => undefined, data?: SeedData): Promise<SeedReport> {
    const seeds = data ?? (await readSeedData());
    const user = await this.users.systemUser(SEED_USER, NO_REQUEST);
    // Audit rows name the seed user, and a request id that says where the writes came from.
    const context: RequestContext = { userId: user.id, requestId: 'seeds' };
    return new SeedLoader(this, user, context, seeds, log).run();
  }
}

class SeedLoader {
  private readonly report: SeedReport = {
    created: { actors: 0, events: 0, proposals: 0, transitions: 0, statements: 0 },
    present: 0,
  };
  private readonly pipe = createValidationPipe();
  private readonly statementIds = new Map<string, string>();

  constructor(
    private readonly services: SeedingService,
    private readonly user: AuthenticatedUser,
    private readonly context: RequestContext,
    private readonly seeds: SeedData,
    private readonly log: (line: string) => void,
  ) {}

  async run(): Promise<SeedReport> {
    await this.actors();
    await this.events();
    await this.proposals();
    await this.statements();
    await this.transitions();
    const { created } = this.report;
    this.log(
      `seeds: created ${created.actors} actors, ${created.events} events, ${created.proposals} proposals, ` +
        `${created.statements} statements, ${created.transitions} transitions; ${this.report.present} already present`,
    );
    return this.report;
  }

  /** Validates a seed record exactly as the API validates a request body. */
  private async valid<T>(metatype: Type<T>, value: unknown, what: string): Promise<T> {
    try {
      return (await this.pipe.transform(value, { type: 'body', metatype })) as T;
    } catch (error) {
      const detail = error instanceof DomainError ? JSON.stringify(error.errors ?? error.message) : String(error);
      throw new Error(`invalid seed ${what}: ${detail}`);
    }
  }

  private source(key: string): SourceInputDto {
    const source = this.seeds.sources[key];
    if (!source) throw new Error(`seeds name an unknown source "${key}"`);
    const { file: _file, ...citation } = source;
    return citation;
  }

  private async actors(): Promise<void> {
    const service = this.services.actors;
    for (const { source: _source, ...actor } of this.seeds.actors) {
      const dto = await this.valid(CreateActorDto, actor, `actor ${String(actor.slug)}`);
      if ((await service.resolve([dto.slug as string])).size > 0) {
        this.report.present += 1;
        continue;
      }
      await service.create(dto, this.context);
      this.report.created.actors += 1;
    }
  }

  private async events(): Promise<void> {
    const service = this.services.events;
    for (const { source: _source, ...event } of this.seeds.events) {
      const dto = await this.valid(CreateEventDto, event, `event ${String(event.slug)}`);
      if ((await service.refBySlug(dto.slug as string)) !== null) {
        this.report.present += 1;
        continue;
      }
      await service.create(dto, this.context);
      this.report.created.events += 1;
    }
  }

  /** Each proposal with its first transition; `related` once every proposal exists. */
  private async proposals(): Promise<void> {
    const service = this.services.proposals;
    for (const { transitions: _transitions, related: _related, sources, ...proposal } of this.seeds.proposals) {
      const body = { ...proposal, sources: (sources ?? []).map((key) => this.source(key)) };
      const dto = await this.valid(CreateProposalDto, body, `proposal ${proposal.slug}`);
      if ((await service.idBySlug(proposal.slug)) !== null) {
        this.report.present += 1;
        continue;
      }
      await service.create(dto, this.user, this.context);
      this.report.created.proposals += 1;
    }
    for (const { slug, related } of this.seeds.proposals) {
      if (related === undefined || related.length === 0) continue;
      const current = await service.view(slug);
      if (current.related.length > 0) continue;
      const dto = await this.valid(UpdateProposalDto, { related }, `related of ${slug}`);
      await service.update(slug, current.version, dto, this.context);
    }
  }

  private async statements(): Promise<void> {
    const service = this.services.statements;
    for (const { key, source, ...statement } of this.seeds.statements) {
      const dto = await this.valid(
        CreateStatementDto,
        { ...statement, source: this.source(source) },
        `statement ${key}`,
      );
      const existing = await service.findByNaturalKey({
        speaker: dto.speaker,
        saidOn: toWorldDate(dto.saidOn).value,
        quote: dto.quote ?? null,
        summary: dto.summary ?? null,
      });
      if (existing !== null) {
        this.statementIds.set(key, existing);
        this.report.present += 1;
        continue;
      }
      const created = await service.create(dto, this.user, this.context);
      this.statementIds.set(key, created.id);
      this.report.created.statements += 1;
    }
  }

  /** The transitions after the first, in order, each citing its sources and statements. */
  private async transitions(): Promise<void> {
    const workflow = this.services.workflow;
    for (const proposal of this.seeds.proposals) {
      const logged = (await workflow.history(proposal.slug)).filter((row) => row.recordedBy.id === this.user.id);
      for (const transition of proposal.transitions) {
        const occurredOn = toWorldDate(transition.occurredOn).value;
        if (logged.some((row) => row.to === transition.to && row.occurredOn === occurredOn)) {
          this.report.present += 1;
          continue;
        }
        const body = {
          to: transition.to,
          occurredOn: transition.occurredOn,
          note: transition.note,
          sources: (transition.sources ?? []).map((key) => this.source(key)),
          statementIds: (transition.statements ?? []).map((key) => {
            const statementId = this.statementIds.get(key);
            if (statementId === undefined) throw new Error(`seeds name an unknown statement "${key}"`);
            return statementId;
          }),
        };
        const dto = await this.valid(TransitionProposalDto, body, `transition of ${proposal.slug} to ${transition.to}`);
        try {
          await workflow.transition(proposal.slug, dto, this.user, this.context);
          this.report.created.transitions += 1;
        } catch (error) {
          // The history moved on in ways the seeds do not know (an editor's work): leave it be.
          if (!(error instanceof DomainError)) throw error;
          this.log(`seeds: left ${proposal.slug} as it is (${error.message})`);
          break;
        }
      }
    }
  }
}
