import fc from 'fast-check';
import { firstDay } from '../../src/common/dates/partial-date.js';
import { deriveState } from '../../src/modules/proposals/workflow/derive-state.js';
import { STATUSES, type Status } from '../../src/modules/proposals/workflow/statuses.js';
import { decideTransition } from '../../src/modules/proposals/workflow/workflow.js';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';
import { counts, printCounts } from './harness.js';

/** The spec's reference model: each proposal's history, as the API should keep it. */
interface ModelTransition {
  id: string;
  from: Status | null;
  to: Status;
  occurredOn: string;
  retracted: boolean;
}
interface Model {
  proposals: Map<string, ModelTransition[]>;
  slugs: string[];
}
interface Real {
  t: TestApp;
  prefix: string;
}

const day = (offset: number, precision: number): string => {
  const iso = new Date(Date.UTC(2000, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  return precision === 0 ? iso.slice(0, 4) : precision === 1 ? iso.slice(0, 7) : iso;
};
const standing = (history: ModelTransition[]) => history.filter((row) => !row.retracted);

async function expectProposalMatches(r: Real, slug: string, history: ModelTransition[]): Promise<void> {
  const response = await r.t.http.get(`/api/v1/proposals/${slug}`).set(...bearer(ADMIN_TOKEN));
  counts.requests += 1;
  const state = deriveState(standing(history));
  expect({
    slug,
    status: response.body.status,
    statusSince: response.body.statusSince,
    furthest: response.body.furthestStatus,
  }).toEqual({
    slug,
    status: state.status,
    statusSince: state.statusSince,
    furthest: state.furthestStatus,
  });
}

class CreateProposal implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly initial: 'floated' | 'proposed',
    readonly offset: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const slug = `${r.prefix}-${m.slugs.length}`;
    const occurredOn = day(this.offset, 2);
    const response = await r.t.http
      .post('/api/v1/proposals')
      .set(...bearer(ADMIN_TOKEN))
      .send({
        title: slug,
        slug,
        proposedOn: occurredOn,
        initialStatus: this.initial,
        proposers: [{ actor: 'model-state' }],
      });
    counts.requests += 1;
    expect(response.status).toBe(201);
    const history = await r.t.http.get(`/api/v1/proposals/${slug}/transitions`).set(...bearer(ADMIN_TOKEN));
    m.proposals.set(slug, [
      { id: history.body.data[0].id, from: null, to: this.initial, occurredOn, retracted: false },
    ]);
    m.slugs.push(slug);
    counts.verified += 1;
  }
  toString = () => `create(${this.initial}, ${this.offset})`;
}

class Transition implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly to: Status,
    readonly gap: number,
    readonly precision: number,
  ) {}
  check = (m: Readonly<Model>) => m.slugs.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const slug = m.slugs[this.pick % m.slugs.length];
    const history = m.proposals.get(slug) as ModelTransition[];
    const latest = standing(history).at(-1) as ModelTransition;
    const offset =
      Math.round((Date.parse(`${firstDay(latest.occurredOn)}T00:00:00Z`) - Date.UTC(2000, 0, 1)) / 86_400_000) +
      this.gap -
      30;
    const occurredOn = day(Math.max(0, offset), this.precision);
    const decision = decideTransition(latest.to, this.to);
    const inOrder = firstDay(occurredOn) >= firstDay(latest.occurredOn);
    const response = await r.t.http
      .post(`/api/v1/proposals/${slug}/transitions`)
      .set(...bearer(ADMIN_TOKEN))
      .send({
        to: this.to,
        occurredOn,
        sources: [{ publisher: 'TASS' }],
        ...(this.to === 'superseded' ? { supersededBy: m.slugs[0] === slug ? undefined : m.slugs[0] } : {}),
      });
    counts.requests += 1;
    const supersedable = this.to !== 'superseded' || m.slugs[0] !== slug;
    if (decision.allowed && inOrder && supersedable) {
      expect({ to: this.to, occurredOn, status: response.status }).toEqual({ to: this.to, occurredOn, status: 201 });
      expect(response.body).toMatchObject({ from: latest.to, to: this.to, direction: decision.direction });
      history.push({ id: response.body.id, from: latest.to, to: this.to, occurredOn, retracted: false });
      counts.verified += 1;
    } else {
      expect({ to: this.to, occurredOn, status: response.status }).toEqual({
        to: this.to,
        occurredOn,
        status: decision.allowed && inOrder ? 422 : 409,
      });
    }
    await expectProposalMatches(r, slug, history);
  }
  toString = () => `transition(#${this.pick} → ${this.to}, +${this.gap - 30}d, p${this.precision})`;
}

class Retract implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly which: number,
  ) {}
  check = (m: Readonly<Model>) => m.slugs.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const slug = m.slugs[this.pick % m.slugs.length];
    const history = m.proposals.get(slug) as ModelTransition[];
    const target = history[this.which % history.length];
    const rows = standing(history);
    const allowed = !target.retracted && target === rows.at(-1) && rows.length > 1;
    const response = await r.t.http
      .post(`/api/v1/proposals/${slug}/transitions/${target.id}/retract`)
      .set(...bearer(ADMIN_TOKEN))
      .send({ reason: 'model' });
    counts.requests += 1;
    expect(response.status).toBe(allowed ? 200 : 409);
    if (allowed) {
      target.retracted = true;
      counts.verified += 1;
    }
    await expectProposalMatches(r, slug, history);
  }
  toString = () => `retract(#${this.pick}, row ${this.which})`;
}

class StatusAsOf implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly offset: number,
  ) {}
  check = (m: Readonly<Model>) => m.slugs.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const slug = m.slugs[this.pick % m.slugs.length];
    const asOf = day(this.offset, 2);
    const inForce = standing(m.proposals.get(slug) as ModelTransition[])
      .filter((row) => firstDay(row.occurredOn) <= asOf)
      .at(-1);
    const response = await r.t.http.get(`/api/v1/proposals/${slug}/status?asOf=${asOf}`).set(...bearer(ADMIN_TOKEN));
    counts.requests += 1;
    expect(response.body).toEqual({
      slug,
      asOf,
      status: inForce?.to ?? null,
      statusSince: inForce?.occurredOn ?? null,
      // The model's dates are all given plainly: stated.
      statusSinceCertainty: inForce === undefined ? null : 'stated',
      statusSinceBasis: null,
    });
  }
  toString = () => `statusAsOf(#${this.pick}, ${this.offset})`;
}

describe('model-based: the HTTP API against a reference model of the spec', () => {
  let t: TestApp;
  let run = 0;
  beforeAll(async () => {
    t = await startTestApp();
    await t.http
      .post('/api/v1/actors')
      .set(...bearer(ADMIN_TOKEN))
      .send({ kind: 'state', name: 'Model state', slug: 'model-state' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('agrees on every response through random sequences of creates, transitions, retractions and as-of queries', async () => {
    const commands = [
      fc
        .tuple(fc.constantFrom('floated' as const, 'proposed' as const), fc.integer({ min: 0, max: 4000 }))
        .map(([initial, offset]) => new CreateProposal(initial, offset)),
      fc
        .tuple(fc.nat(), fc.constantFrom(...STATUSES), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 2 }))
        .map(([pick, to, gap, precision]) => new Transition(pick, to, gap, precision)),
      fc.tuple(fc.nat(), fc.nat()).map(([pick, which]) => new Retract(pick, which)),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6000 })).map(([pick, offset]) => new StatusAsOf(pick, offset)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 50, size: 'max' }), async (sequence) => {
        run += 1;
        await fc.asyncModelRun(
          () => ({ model: { proposals: new Map(), slugs: [] }, real: { t, prefix: `m${run}` } }),
          sequence,
        );
      }),
      { numRuns: 60 },
    );
    printCounts('model-based');
  }, 300_000);
});
