import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext, Type } from '@nestjs/common';
import type { AuthenticatedUser } from '../src/common/auth/auth.decorators.js';
import { NO_REQUEST, type RequestContext } from '../src/common/context/request-context.js';
import { DomainError } from '../src/common/errors/domain-error.js';
import { createValidationPipe } from '../src/common/errors/validation.js';
import { ActorsRepository } from '../src/modules/actors/actors.repository.js';
import { ActorsService } from '../src/modules/actors/actors.service.js';
import { CreateActorDto } from '../src/modules/actors/dto/actors.dto.js';
import { CreateEventDto } from '../src/modules/events/dto/events.dto.js';
import { EventsRepository } from '../src/modules/events/events.repository.js';
import { EventsService } from '../src/modules/events/events.service.js';
import { CreateProposalDto, UpdateProposalDto } from '../src/modules/proposals/dto/proposals.dto.js';
import { TransitionProposalDto } from '../src/modules/proposals/dto/transitions.dto.js';
import { ProposalsRepository } from '../src/modules/proposals/proposals.repository.js';
import { ProposalsService } from '../src/modules/proposals/proposals.service.js';
import { TransitionsRepository } from '../src/modules/proposals/transitions.repository.js';
import { WorkflowService } from '../src/modules/proposals/workflow.service.js';
import type { SourceInputDto } from '../src/modules/sources/dto/source.dto.js';
import { CreateStatementDto } from '../src/modules/statements/dto/statements.dto.js';
import { StatementsRepository } from '../src/modules/statements/statements.repository.js';
import { StatementsService } from '../src/modules/statements/statements.service.js';
import { UsersService } from '../src/modules/users/users.service.js';

/** The name of the user that seeded records are logged by. */
export const SEED_USER = 'seed';

/** A source as the data files keep it: the citation, plus where the text is and how its date is known. */
interface SeedSource extends SourceInputDto {
  file: string;
  dateNote: string;
}

interface SeedTransition {
  to: string;
  occurredOn: string;
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
  saidOn: string;
  quote?: string;
  summary?: string;
  source: string;
}

export interface SeedData {
  sources: Record<string, SeedSource>;
  actors: Record<string, unknown>[];
  events: Record<string, unknown>[];
  proposals: SeedProposal[];
  statements: SeedStatement[];
}

export interface SeedReport {
  created: Record<'actors' | 'events' | 'proposals' | 'transitions' | 'statements', number>;
  present: number;
}

/** `seeds/data`, from the sources (tests) or from the build (`dist/seeds`). */
function dataDirectory(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'data');
  return existsSync(beside) ? beside : path.resolve(here, '../../seeds/data');
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
export async function loadSeeds(
  app: INestApplicationContext,
  log: (line: string) => void = () => undefined,
  data?: SeedData,
): Promise<SeedReport> {
  const seeds = data ?? (await readSeedData());
  const user = await app.get(UsersService).systemUser(SEED_USER, NO_REQUEST);
  // Audit rows name the seed user, and a request id that says where the writes came from.
  const context: RequestContext = { userId: user.id, requestId: 'seeds' };
  return new SeedLoader(app, user, context, seeds, log).run();
}

class SeedLoader {
  private readonly report: SeedReport = {
    created: { actors: 0, events: 0, proposals: 0, transitions: 0, statements: 0 },
    present: 0,
  };
  private readonly pipe = createValidationPipe();
  private readonly statementIds = new Map<string, string>();

  constructor(
    private readonly app: INestApplicationContext,
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
    const { file: _file, dateNote: _dateNote, ...citation } = source;
    return citation;
  }

  private async actors(): Promise<void> {
    const repository = this.app.get(ActorsRepository);
    const service = this.app.get(ActorsService);
    for (const actor of this.seeds.actors) {
      const dto = await this.valid(CreateActorDto, actor, `actor ${String(actor.slug)}`);
      if (await repository.findBySlug(dto.slug as string)) {
        this.report.present += 1;
        continue;
      }
      await service.create(dto, this.context);
      this.report.created.actors += 1;
    }
  }

  private async events(): Promise<void> {
    const repository = this.app.get(EventsRepository);
    const service = this.app.get(EventsService);
    for (const event of this.seeds.events) {
      const dto = await this.valid(CreateEventDto, event, `event ${String(event.slug)}`);
      if ((await repository.idBySlug(dto.slug as string)) !== null) {
        this.report.present += 1;
        continue;
      }
      await service.create(dto, this.context);
      this.report.created.events += 1;
    }
  }

  /** Each proposal with its first transition; `related` once every proposal exists. */
  private async proposals(): Promise<void> {
    const repository = this.app.get(ProposalsRepository);
    const service = this.app.get(ProposalsService);
    for (const { transitions: _transitions, related: _related, sources, ...proposal } of this.seeds.proposals) {
      const body = { ...proposal, sources: (sources ?? []).map((key) => this.source(key)) };
      const dto = await this.valid(CreateProposalDto, body, `proposal ${proposal.slug}`);
      if ((await repository.idBySlug(proposal.slug)) !== null) {
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
    const repository = this.app.get(StatementsRepository);
    const service = this.app.get(StatementsService);
    for (const { key, source, ...statement } of this.seeds.statements) {
      const dto = await this.valid(
        CreateStatementDto,
        { ...statement, source: this.source(source) },
        `statement ${key}`,
      );
      const existing = await repository.findByNaturalKey({
        speaker: dto.speaker,
        saidOn: dto.saidOn,
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
    const proposals = this.app.get(ProposalsRepository);
    const history = this.app.get(TransitionsRepository);
    const workflow = this.app.get(WorkflowService);
    for (const proposal of this.seeds.proposals) {
      const id = (await proposals.idBySlug(proposal.slug)) as string;
      const logged = (await history.history(id)).filter((row) => row.recordedBy.id === this.user.id);
      for (const transition of proposal.transitions) {
        if (logged.some((row) => row.to === transition.to && row.occurredOn === transition.occurredOn)) {
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
