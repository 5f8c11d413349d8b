import type TestAgent from 'supertest/lib/agent.js';

let counter = 0;
const unique = (): string => `${Date.now().toString(36)}${(counter += 1)}`;

export interface Factories {
  actor(overrides?: Record<string, unknown>): Promise<{ slug: string; kind: string; version: number }>;
  proposal(overrides?: Record<string, unknown>): Promise<{ slug: string; status: string; version: number }>;
  transition(slug: string, body: Record<string, unknown>): Promise<{ id: string; to: string }>;
  event(overrides?: Record<string, unknown>): Promise<{ slug: string; startsOn: string }>;
  statement(overrides: Record<string, unknown> & { proposals: { slug: string; stance: string }[] }): Promise<{
    id: string;
    version: number;
    source: { id: string };
  }>;
}

/** Valid rows made through the API, with overrides; each helper fails loudly on a non-2xx. */
export function factories(http: TestAgent, token: string): Factories {
  const post = async (path: string, body: Record<string, unknown>) => {
    const response = await http.post(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body);
    if (response.status !== 201) throw new Error(`POST ${path} → ${response.status}: ${response.text}`);
    return response.body;
  };
  return {
    actor: (overrides = {}) =>
      post('/actors', { kind: 'organization', name: `Organization ${unique()}`, ...overrides }),
    async proposal(overrides = {}) {
      const proposer =
        overrides.proposers === undefined ? await this.actor({ kind: 'state', name: `State ${unique()}` }) : undefined;
      return post('/proposals', {
        title: `Proposal ${unique()}`,
        proposedOn: '2020-01-15',
        ...(proposer ? { proposers: [{ actor: proposer.slug }] } : {}),
        ...overrides,
      });
    },
    // Every transition after the first cites a source.
    transition: (slug, body) =>
      post(`/proposals/${slug}/transitions`, {
        sources: [{ publisher: 'TASS', title: `Report ${unique()}` }],
        ...body,
      }),
    event: (overrides = {}) =>
      post('/events', { name: `Event ${unique()}`, kind: 'conference', startsOn: '2024', ...overrides }),
    async statement(overrides) {
      const speaker =
        overrides.speaker === undefined ? await this.actor({ kind: 'person', name: `Person ${unique()}` }) : undefined;
      return post('/statements', {
        saidOn: '2024-05-01',
        quote: `Words ${unique()}`,
        source: { publisher: 'TASS', title: `Report ${unique()}` },
        ...(speaker ? { speaker: speaker.slug } : {}),
        ...overrides,
      });
    },
  };
}
