import { ACTIVE_STATUSES } from '../../src/modules/proposals/workflow/statuses.js';
import { factories } from '../factories/factories.js';
import { bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Two application instances on one database, 50 concurrent transitions of one proposal:
 * the row lock must serialize them into an unbroken chain.
 */
describe('concurrent transitions from two instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ databaseUrl: first.databaseUrl });
  });
  afterAll(async () => {
    await second.app.close();
    await first.close();
  });

  it('keeps every standing from equal to the previous to, status equal to the last to, and every 201', async () => {
    const token = await first.tokenFor('staff');
    const f = factories(first.http, token);
    await f.actor({ kind: 'state', name: 'Russia', slug: 'russia' });
    const p = await f.proposal({ proposers: [{ actor: 'russia' }], proposedOn: '2020-01-01' });

    // Targets cycle through the active statuses: most moves are legal whatever the order they
    // land in, some are refused (already in that status), none may corrupt the chain.
    const requests = Array.from({ length: 50 }, (_, i) => {
      const instance = i % 2 === 0 ? first : second;
      const to = ACTIVE_STATUSES[i % ACTIVE_STATUSES.length];
      return instance.http
        .post(`/api/v1/proposals/${p.slug}/transitions`)
        .set(...bearer(token))
        .send({ to, occurredOn: '2021-06-01', note: `request ${i}`, sources: [{ publisher: 'TASS' }] });
    });
    const responses = await Promise.all(requests);

    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = responses
      .filter((response) => response.status === 201)
      .map((response) => response.body.id as string);
    expect(created.length).toBeGreaterThan(0);

    const history = await first.http.get(`/api/v1/proposals/${p.slug}/transitions`).set(...bearer(token));
    const standing = history.body.data.filter((row: { retracted: boolean }) => !row.retracted);
    expect(standing).toHaveLength(created.length + 1);
    for (let i = 1; i < standing.length; i += 1) {
      expect(standing[i].from).toBe(standing[i - 1].to);
      expect(standing[i].seq).toBe(standing[i - 1].seq + 1);
    }
    expect(new Set(standing.map((row: { id: string }) => row.id))).toEqual(new Set([standing[0].id, ...created]));

    const proposal = await second.http.get(`/api/v1/proposals/${p.slug}`).set(...bearer(token));
    expect(proposal.body.status).toBe(standing.at(-1).to);
    expect(proposal.body.version).toBe(created.length + 1);
  });
});
