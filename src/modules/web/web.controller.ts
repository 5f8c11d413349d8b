import { statementInputOf } from '../statements/statement-row.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Render,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  type AuthenticatedRequest,
  type AuthenticatedUser,
  CurrentUser,
  OpenRead,
  Public,
  RequireRole,
} from '../../common/auth/auth.decorators.js';
import { hasRole, type Role } from '../../common/auth/roles.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { STATUSES } from '../proposals/workflow/statuses.js';
import { AuditService } from '../audit/audit.service.js';
import { ListChangesQueryDto } from '../audit/dto/change.dto.js';
import { PositionsService } from '../positions/positions.service.js';
import { AssessmentsService } from '../proposals/assessments.service.js';
import { CreateAssessmentDto } from '../proposals/dto/assessments.dto.js';
import { ListProposalsQueryDto } from '../proposals/dto/proposals.dto.js';
import { RedateProposalDto, RetractTransitionDto, TransitionProposalDto } from '../proposals/dto/transitions.dto.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { WorkflowService } from '../proposals/workflow.service.js';
import { ProgressReportQueryDto } from '../reports/dto/progress-report.dto.js';
import { readProgressReport, readProgressTotals, ReportsService } from '../reports/reports.service.js';
import { CreateStatementDto } from '../statements/dto/statements.dto.js';
import { StatementsService } from '../statements/statements.service.js';
import { TimelineService } from '../statements/timeline.service.js';
import { UsersService } from '../users/users.service.js';
import { ActorsService } from '../actors/actors.service.js';
import { ListActorsQueryDto } from '../actors/dto/actors.dto.js';
import { localPath, problemsOf, text, texts, validated, withoutEmpty } from './web-input.js';
import { PageErrors } from './page-errors.filter.js';
import { VIEWS_DIR } from './web-platform.js';
import { progressChart } from './progress-chart.js';

const STYLESHEET = readFileSync(path.join(VIEWS_DIR, 'app.css'), 'utf8');
const STANCES = ['supports', 'opposes', 'neutral', 'mixed'] as const;
/** Rows of the progress table on its page; the CSV has them all. */
const PROGRESS_ROWS_SHOWN = 100;
/** Statement blocks on the log form: one is required, the others are used when filled in. */
const STATEMENT_BLOCKS = 3;

type Form = Record<string, unknown>;

/**
 * The pages (contract §9): server-rendered from the same services the API's controllers call, with
 * the same roles (the session holds an API token, checked as a bearer token is) and the same
 * validation. Not in the OpenAPI document: the API is `/api/v1`.
 */
@ApiExcludeController()
@UseFilters(PageErrors)
@Controller()
export class WebController {
  constructor(
    private readonly db: Db,
    private readonly users: UsersService,
    private readonly actors: ActorsService,
    private readonly proposals: ProposalsService,
    private readonly workflow: WorkflowService,
    private readonly assessments: AssessmentsService,
    private readonly timelines: TimelineService,
    private readonly statements: StatementsService,
    private readonly positions: PositionsService,
    private readonly reports: ReportsService,
    private readonly audit: AuditService,
  ) {}

  @Get('static/app.css')
  @Public()
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  stylesheet(): string {
    return STYLESHEET;
  }

  @Get('login')
  @Public()
  login(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Query() query: Form) {
    if (request.user !== undefined) return reply.redirect(localPath(query.next), 303);
    return reply.view('login', this.page(request, reply, 'Sign in', { next: localPath(query.next), error: null }));
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  async signIn(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const token = text(form.token);
    const user = token === '' ? null : await this.users.authenticate(token);
    if (user === null) {
      reply.code(401);
      return reply.view(
        'login',
        this.page(request, reply, 'Sign in', { next: localPath(form.next), error: 'That token is not valid.' }),
      );
    }
    request.session.set('token', token);
    return reply.redirect(localPath(form.next), 303);
  }

  @Post('logout')
  @Public()
  logout(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): FastifyReply {
    request.session.delete();
    return reply.redirect('/login', 303);
  }

  @Get()
  @RequireRole('analyst')
  @OpenRead()
  @Render('board')
  async board(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() raw: Form,
  ) {
    const filters = withoutEmpty(raw);
    const query = await validated(ListProposalsQueryDto, { limit: 50, ...filters }, 'query');
    const reportQuery = await validated(
      ProgressReportQueryDto,
      pick(filters, ['asOf', 'status', 'forum', 'proposer', 'tag', 'windowDays']),
      'query',
    );
    const [page, totals] = await Promise.all([
      this.proposals.list(query),
      this.reports.progress(reportQuery, 'json').then(readProgressTotals),
    ]);
    const next = page.page.nextCursor === null ? null : `/?${searchOf({ ...filters, cursor: page.page.nextCursor })}`;
    return this.page(request, reply, 'Proposals', {
      proposals: page.data,
      filters: { ...filters, status: texts(raw.status), momentum: texts(raw.momentum) },
      totals,
      statuses: STATUSES,
      next,
    });
  }

  @Get('proposals/:slug')
  @RequireRole('analyst')
  @OpenRead()
  @Render('proposal')
  async proposal(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('slug') slug: string,
    @Query() raw: Form,
  ) {
    const { asOf } = await validated(ListProposalsQueryDto, pick(withoutEmpty(raw), ['asOf']), 'query');
    const [proposal, timeline, positions, statusAsOf, children] = await Promise.all([
      this.proposals.view(slug),
      this.timelines.timeline(slug, true),
      this.positions.ofProposal(slug, {}),
      asOf === undefined ? Promise.resolve(null) : this.workflow.statusAsOf(slug, asOf),
      this.proposals.children(slug),
    ]);
    const sources = new Map<
      string,
      { id?: string; url?: string | null; publisher?: string | null; title?: string | null }
    >();
    for (const item of timeline) {
      for (const source of (item as { sources?: { id: string }[] }).sources ?? []) sources.set(source.id, source);
      const one = (item as { source?: { id: string } }).source;
      if (one !== undefined) sources.set(one.id, one);
    }
    return this.page(request, reply, proposal.title, {
      proposal,
      timeline,
      positions: JSON.parse(positions) as unknown,
      asOf: asOf ?? '',
      statusAsOf,
      children,
      logged: /^\d+$/.test(text(raw.logged)) ? Number(text(raw.logged)) : null,
      sources: [...sources.values()],
      statuses: STATUSES,
      stances: STANCES,
    });
  }

  @Get('log')
  @RequireRole('staff')
  @Render('log')
  logForm(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() raw: Form) {
    return this.logPage(request, reply, { 's0.proposal': text(raw.proposal) }, {});
  }

  /**
   * One development: its source, one to three statements and optionally a transition citing them,
   * written in one transaction — each part validated as its API route validates it, and nothing
   * written unless all of it is valid.
   */
  @Post('log')
  @RequireRole('staff')
  async log(
    @Req() request: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Body() form: Form,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<void> {
    const source = {
      sourceUrl: text(form['source.url']),
      sourcePublisher: text(form['source.publisher']),
      sourceTitle: text(form['source.title']),
      sourcePublishedOn: text(form['source.publishedOn']),
    };
    const errors: Record<string, string> = {};
    const statements: { prefix: string; input: CreateStatementDto }[] = [];
    for (let i = 0; i < STATEMENT_BLOCKS; i += 1) {
      const prefix = `s${i}`;
      const field = (name: string) => text(form[`${prefix}.${name}`]);
      const filled = ['speaker', 'quote', 'summary', 'saidOn', 'proposal'].some((name) => field(name) !== '');
      if (!filled && i > 0) continue;
      const speaker = await this.resolveActor(field('speaker'), `${prefix}.speaker`, errors);
      const onBehalfOf =
        field('onBehalfOf') === ''
          ? undefined
          : await this.resolveActor(field('onBehalfOf'), `${prefix}.onBehalfOf`, errors);
      // The form is a statement row, as an import's CSV line is: one mapping, one validation.
      const row = {
        speaker,
        speakerRole: field('speakerRole'),
        onBehalfOf,
        saidOn: field('saidOn'),
        quote: field('quote'),
        summary: field('summary'),
        ...source,
        proposals: field('proposal') === '' ? '' : `${field('proposal')}:${field('stance') || 'neutral'}`,
      };
      try {
        statements.push({ prefix, input: await statementInputOf(row) });
      } catch (error) {
        // A speaker that named no actor has said so already; the slug rule would only repeat it.
        for (const [field, message] of Object.entries(problemsOf(error, prefix) ?? {})) errors[field] ??= message;
      }
    }
    const moving = text(form['t.proposal']);
    let transition: TransitionProposalDto | undefined;
    if (moving !== '') {
      try {
        transition = await validated(
          TransitionProposalDto,
          withoutEmpty({ to: text(form['t.to']), occurredOn: text(form['t.occurredOn']), note: text(form['t.note']) }),
          'body',
        );
      } catch (error) {
        Object.assign(errors, problemsOf(error, 't') ?? {});
      }
    }
    if (Object.keys(errors).length === 0) {
      try {
        const written = await this.db.transaction(async () => {
          const ids: string[] = [];
          for (const { prefix, input } of statements) {
            try {
              ids.push((await this.statements.create(input, user, context)).id);
            } catch (error) {
              throw new PartRefused(prefix, error);
            }
          }
          if (transition !== undefined) {
            try {
              await this.workflow.transition(
                moving,
                // The development's one source, as its statements' validation took it.
                Object.assign(transition, {
                  statementIds: ids,
                  sources: statements.slice(0, 1).map((s) => s.input.source),
                }),
                user,
                context,
              );
            } catch (error) {
              throw new PartRefused('t', error);
            }
          }
          return ids;
        });
        const to = moving !== '' ? moving : statements[0].input.proposals[0]?.slug;
        return reply.redirect(
          to === undefined ? '/' : `/proposals/${encodeURIComponent(to)}?logged=${written.length}`,
          303,
        );
      } catch (error) {
        const part = error instanceof PartRefused ? error : new PartRefused('form', error);
        const problems = problemsOf(part.cause, part.prefix);
        if (problems === undefined) throw part.cause;
        Object.assign(errors, problems);
      }
    }
    reply.code(422);
    return reply.view('log', this.logPage(request, reply, form, errors));
  }

  @Post('proposals/:slug/transitions/:id/retract')
  @RequireRole('editor')
  async retract(
    @Res() reply: FastifyReply,
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Body() form: Form,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<void> {
    const input = await validated(RetractTransitionDto, { reason: text(form.reason) }, 'body');
    await this.workflow.retract(slug, id, input, user, context);
    return reply.redirect(`/proposals/${encodeURIComponent(slug)}`, 303);
  }

  @Post('proposals/:slug/redate')
  @RequireRole('editor')
  async redate(
    @Res() reply: FastifyReply,
    @Param('slug') slug: string,
    @Body() form: Form,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<void> {
    const input = await validated(
      RedateProposalDto,
      withoutEmpty({
        proposedOn: text(form.proposedOn),
        initialStatus: text(form.initialStatus),
        reason: text(form.reason),
      }),
      'body',
    );
    await this.workflow.redate(slug, input, user, context);
    return reply.redirect(`/proposals/${encodeURIComponent(slug)}`, 303);
  }

  @Post('proposals/:slug/assessments')
  @RequireRole('editor')
  async assess(
    @Res() reply: FastifyReply,
    @Param('slug') slug: string,
    @Body() form: Form,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<void> {
    const input = await validated(
      CreateAssessmentDto,
      withoutEmpty({ momentum: text(form.momentum), reason: text(form.reason) }),
      'body',
    );
    await this.assessments.record(slug, input, user, context);
    return reply.redirect(`/proposals/${encodeURIComponent(slug)}`, 303);
  }

  @Get('reports/progress')
  @RequireRole('analyst')
  @OpenRead()
  @Render('progress')
  async progress(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() raw: Form,
  ) {
    const filters = withoutEmpty(raw);
    const query = await validated(ProgressReportQueryDto, filters, 'query');
    const report = await readProgressReport(await this.reports.progress(query, 'json'));
    const months = await this.monthlyTotals(query, report.asOf);
    return this.page(request, reply, 'Progress', {
      report: { ...report, proposals: report.proposals.slice(0, PROGRESS_ROWS_SHOWN) },
      more: Math.max(0, report.proposals.length - PROGRESS_ROWS_SHOWN),
      chart: progressChart(months),
      csv: `/api/v1/reports/progress?${searchOf({ ...filters, format: 'csv' })}`,
      filters,
    });
  }

  @Get('changes')
  @RequireRole('analyst')
  @OpenRead()
  @Render('changes')
  async changes(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() raw: Form,
  ) {
    const filters = withoutEmpty(raw);
    const query = await validated(ListChangesQueryDto, { limit: 50, ...filters }, 'query');
    const page = await this.audit.changes(query);
    const next =
      page.page.nextCursor === null ? null : `/changes?${searchOf({ ...filters, cursor: page.page.nextCursor })}`;
    return this.page(request, reply, 'Changes', { changes: page.data, filters, next });
  }

  /** Advancing and stalled counts at the end of each of the 36 months up to `asOf`, oldest first. */
  private async monthlyTotals(query: ProgressReportQueryDto, asOf: string) {
    const ends: string[] = [];
    const [year, month] = asOf.split('-').map(Number);
    for (let back = 35; back >= 0; back -= 1) {
      const end = new Date(Date.UTC(year, month - back, 0));
      ends.push(back === 0 ? asOf : end.toISOString().slice(0, 10));
    }
    const totals = [];
    for (const end of ends) {
      const { advancing, stalled } = await readProgressTotals(
        await this.reports.progress({ ...query, asOf: end }, 'json'),
      );
      totals.push({ month: end.slice(0, 7), advancing, stalled });
    }
    return totals;
  }

  /** Resolves a speaker typed as a slug, a name or an alias; a problem for `field` when none or several match. */
  private async resolveActor(
    typed: string,
    field: string,
    errors: Record<string, string>,
  ): Promise<string | undefined> {
    if (typed === '') return undefined;
    const found = await this.actors.list(await validated(ListActorsQueryDto, { q: typed, limit: 5 }, 'query'));
    const exact = found.data.find((actor) => actor.slug === typed || actor.name.toLowerCase() === typed.toLowerCase());
    if (exact !== undefined) return exact.slug;
    if (found.data.length === 1) return found.data[0].slug;
    if (found.data.length === 0) {
      errors[field] = `No actor is called "${typed}"; add it first, or give its slug`;
    } else {
      errors[field] =
        `Several actors match "${typed}": ${found.data.map((actor) => actor.slug).join(', ')}; give the slug`;
    }
    return typed;
  }

  private logPage(request: AuthenticatedRequest, reply: FastifyReply, form: Form, errors: Record<string, string>) {
    const values = Object.fromEntries(Object.entries(form).map(([key, value]) => [key, text(value)]));
    return this.page(request, reply, 'Log a development', {
      values,
      errors,
      blocks: STATEMENT_BLOCKS,
      stances: STANCES,
      statuses: STATUSES,
    });
  }

  /** What every page's layout needs: who is signed in, what they may do, and the form token. */
  private page(request: AuthenticatedRequest, reply: FastifyReply, title: string, data: object) {
    const user = request.user;
    const can = (role: Role) => user !== undefined && hasRole(user.role, role);
    // Forms that post are for those signed in, and the sign-in form: only they need a token (and
    // the session cookie it lives in).
    const csrf = user !== undefined || title === 'Sign in' ? reply.generateCsrf() : '';
    return { title, user: user ?? null, can: { log: can('staff'), edit: can('editor') }, csrf, ...data };
  }
}

/** A part of a logged development that its service refused: the error, and which part it was. */
class PartRefused extends Error {
  constructor(
    readonly prefix: string,
    override readonly cause: unknown,
  ) {
    super(`${prefix} refused`);
  }
}

/** The named fields of `from` that are set. */
function pick(from: Form, names: string[]): Form {
  return Object.fromEntries(names.filter((name) => from[name] !== undefined).map((name) => [name, from[name]]));
}

/** A query string of `fields` (repeated fields repeated). */
function searchOf(fields: Form): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  return search.toString();
}
