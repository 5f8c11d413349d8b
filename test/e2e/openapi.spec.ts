import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { ADMIN_TOKEN, bearer, startTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);
const ROOT = path.resolve('.');
const bin = (relative: string): string => path.join(ROOT, 'node_modules', relative);

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; schema?: Record<string, unknown>; style?: string; explode?: boolean }[];
  requestBody?: {
    content: Record<string, { examples?: Record<string, { summary: string; value: Record<string, unknown> }> }>;
  };
  responses: Record<
    string,
    {
      headers?: Record<string, { $ref: string }>;
      content?: Record<string, { schema?: unknown; examples?: Record<string, { $ref: string }> }>;
    }
  >;
}

interface Document {
  info: { license?: { name: string; url?: string } };
  servers?: { url: string }[];
  tags?: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }>;
    examples: Record<string, { value: { type: string; status: number } }>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

/** Runs a node CLI from node_modules without Jest's VM-modules flag; stdout, whatever the exit code. */
async function cli(script: string, args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', REDOCLY_TELEMETRY: 'off' };
  try {
    return (await run(process.execPath, [bin(script), ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    return (error as { stdout?: string }).stdout ?? '';
  }
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;
  let dir: string;
  let file: string;
  const operations = (): (Operation & { path: string; method: string })[] =>
    Object.entries(doc.paths).flatMap(([route, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ ...operation, path: route, method })),
    );

  beforeAll(async () => {
    t = await startTestApp({ env: { SEED_ON_EMPTY: 'true' } });
    doc = (await t.http.get('/openapi.json')).body as Document;
    dir = await mkdtemp(path.join(tmpdir(), 'ppt-openapi-'));
    file = path.join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc, null, 2));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes Redocly lint (recommended) with no error and no warning', async () => {
    const output = await cli(
      '@redocly/cli/bin/cli.js',
      ['lint', file, '--format=json', '--config', path.join(ROOT, 'redocly.yaml')],
      dir,
    );
    const report = JSON.parse(output) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('passes Spectral (spectral:oas) with no problem at all', async () => {
    const out = path.join(dir, 'spectral.json');
    await cli(
      '@stoplight/spectral-cli/dist/index.js',
      ['lint', file, '--ruleset', path.join(ROOT, '.spectral.yaml'), '--format', 'json', '--output', out],
      dir,
    );
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual([]);
  });

  it('names each operation by what it does, once, with a summary and a description', () => {
    const ids = operations().map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations()) {
      expect(operation.operationId).toMatch(
        /^(get|list|create|update|record|retract|redate|withdraw|issue|revoke|merge|mark|unmark|delete|retry)[A-Z][A-Za-z]+$/,
      );
      expect(operation.summary).toBeTruthy();
      expect(operation.description).toBeTruthy();
    }
    expect(doc.paths['/api/v1/proposals/{slug}/status'].get.operationId).toBe('getProposalStatusAsOf');
  });

  it('says where it is served, under which license, with a description for every tag, and opaque tokens', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(doc.info.license).toEqual({ name: expect.any(String), url: expect.stringMatching(/^https:\/\//) });
    const used = new Set(operations().flatMap((operation) => (operation as { tags?: string[] }).tags ?? []));
    expect(doc.tags?.map((tag) => tag.name).sort()).toEqual([...used].sort());
    expect(doc.components.securitySchemes.bearer).not.toHaveProperty('bearerFormat');
    for (const probe of ['/health', '/ready']) {
      expect(doc.paths[probe].get.security).toEqual([]);
      expect(Object.keys(doc.paths[probe].get.responses)).toContain('400');
    }
  });

  it('gives each error response an example of its own status', () => {
    let checked = 0;
    for (const operation of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status)) continue;
        const examples = Object.values(response.content?.['application/problem+json']?.examples ?? {});
        expect({ route: `${operation.operationId} ${status}`, count: examples.length }).toEqual({
          route: `${operation.operationId} ${status}`,
          count: 1,
        });
        const example = doc.components.examples[examples[0].$ref.replace('#/components/examples/', '')].value;
        expect(example.status).toBe(Number(status));
        expect(example.type).toMatch(/^urn:ppt:problem:[a-z_]+$/);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('declares the headers responses carry', async () => {
    const headers = (operationId: string, status: string): string[] => {
      const operation = operations().find((candidate) => candidate.operationId === operationId);
      return Object.keys(operation?.responses[status]?.headers ?? {});
    };
    expect(headers('getProposal', '200')).toEqual(
      expect.arrayContaining(['ETag', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id']),
    );
    expect(headers('listProposals', '200')).toContain('Link');
    expect(headers('createStatement', '201')).toEqual(expect.arrayContaining(['ETag', 'Idempotent-Replayed']));
    expect(headers('getProgressReport', '200')).toContain('X-Cache');
    expect(headers('listProposals', '429')).toContain('Retry-After');
    expect(headers('getReadiness', '503')).toContain('Retry-After');

    // What is documented is what is sent.
    const proposal = await t.http.get('/api/v1/proposals/eurasian-charter').set(...bearer(ADMIN_TOKEN));
    expect(proposal.headers).toEqual(
      expect.objectContaining({
        etag: expect.any(String),
        'ratelimit-limit': expect.any(String),
        'ratelimit-remaining': expect.any(String),
        'ratelimit-reset': expect.any(String),
        'x-request-id': expect.any(String),
      }),
    );
    const list = await t.http.get('/api/v1/proposals?limit=1').set(...bearer(ADMIN_TOKEN));
    expect(list.headers.link).toMatch(/rel="next"/);
    const report = await t.http.get('/api/v1/reports/progress').set(...bearer(ADMIN_TOKEN));
    expect(report.headers['x-cache']).toMatch(/^(hit|updated|miss)$/);
  });

  it('types counts, versions and limits as integers and carries the validators’ constraints', () => {
    const schemas = doc.components.schemas;
    expect(schemas.ProposalDto.properties?.version.type).toBe('integer');
    expect(schemas.PageDto.properties?.limit.type).toBe('integer');
    expect(schemas.StatementCountsDto.properties?.total.type).toBe('integer');
    expect(schemas.CreateStatementDto.properties?.speakerRole.maxLength).toBe(300);
    expect(schemas.CreateStatementDto.properties?.speaker).toMatchObject({
      pattern: expect.any(String),
      maxLength: 100,
    });
    expect(schemas.CreateStatementDto.properties?.proposals).toMatchObject({ minItems: 1, maxItems: 50 });
    expect(schemas.CreateActorDto.properties?.name).toMatchObject({ minLength: 1, maxLength: 300 });

    const list = doc.paths['/api/v1/proposals'].get.parameters ?? [];
    const status = list.find((parameter) => parameter.name === 'status');
    expect(status).toMatchObject({ style: 'form', explode: false });
    expect((status?.schema?.items as { enum?: string[] }).enum).toContain('under_discussion');
    expect(list.find((parameter) => parameter.name === 'limit')?.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
    });
    const slug = doc.paths['/api/v1/proposals/{slug}'].get.parameters?.find((parameter) => parameter.in === 'path');
    expect(slug?.schema).toMatchObject({ type: 'string', pattern: expect.any(String), maxLength: 100 });
  });

  it('documents the report as JSON or CSV, each with its own schema', () => {
    const content = doc.paths['/api/v1/reports/progress'].get.responses['200'].content ?? {};
    expect(content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProgressReportDto' });
    expect(content['text/csv'].schema).toEqual({ type: 'string' });
  });

  it('generates a typed client (openapi-typescript) that a script type-checks against, CSV as text', async () => {
    const types = astToString(await openapiTS(new URL(`file://${file}`)));
    await writeFile(path.join(dir, 'api.d.ts'), types);
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    await writeFile(
      path.join(dir, 'client.ts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });

export async function script(): Promise<void> {
  const { data } = await client.GET('/api/v1/proposals/{slug}', { params: { path: { slug: 'eurasian-charter' } } });
  if (data) {
    const version: number = data.version;
    const status: 'floated' | 'proposed' | 'under_discussion' | 'drafting' | 'adopted' | 'implementing'
      | 'suspended' | 'implemented' | 'rejected' | 'withdrawn' | 'superseded' = data.status;
    void version;
    void status;
  }
  const csv = await client.GET('/api/v1/reports/progress', { params: { query: { format: 'csv' } }, parseAs: 'text' });
  const text: string | undefined = csv.data;
  void text;
  const list = await client.GET('/api/v1/proposals', { params: { query: { status: ['drafting', 'adopted'], limit: 5 } } });
  const cursor: string | null | undefined = list.data?.page.nextCursor;
  void cursor;
  await client.POST('/api/v1/statements', {
    body: {
      speaker: 'alexander-trofimov',
      saidOn: { value: '2025-10-29', certainty: 'inferred', basis: 'dateline without a year' },
      source: { publisher: 'BelTA' },
      proposals: [{ slug: 'eurasian-charter', stance: 'supports' }],
      summary: 'A summary',
    },
  });
  // @ts-expect-error a status the workflow does not know
  await client.GET('/api/v1/proposals', { params: { query: { status: ['dormant'] } } });
  // @ts-expect-error a statement needs its speaker
  await client.POST('/api/v1/statements', { body: { saidOn: '2025-10-29', source: { publisher: 'BelTA' }, proposals: [] } });
}

type ProposalResponse = paths['/api/v1/proposals/{slug}']['get']['responses'][200];
export type ETag = ProposalResponse['headers']['ETag'];
export type ReportCsv = paths['/api/v1/reports/progress']['get']['responses'][200]['content']['text/csv'];
const csvIsText: ReportCsv = 'slug,title';
void csvIsText;
`,
    );
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
          types: [],
        },
        files: ['client.ts', 'api.d.ts'],
      }),
    );
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const output = await cli('typescript/bin/tsc', ['-p', path.join(dir, 'tsconfig.json')], dir);
    expect(output).toBe('');
  });

  it('fills "Try it out" with examples that are valid as they stand and say they are examples', async () => {
    const examples = new Map<string, Record<string, unknown>[]>();
    for (const operation of operations()) {
      const body = operation.requestBody?.content['application/json'];
      if (!body) continue;
      const named = Object.values(body.examples ?? {});
      expect({ operation: operation.operationId, hasExamples: named.length > 0 }).toEqual({
        operation: operation.operationId,
        hasExamples: true,
      });
      for (const example of named) {
        expect(example.summary).toMatch(/^Example: /);
        // What an example creates says it is one (a watch is its caller's own, and holds no text).
        if (operation.operationId.startsWith('create') && operation.operationId !== 'createWatch') {
          expect(JSON.stringify(example.value)).toMatch(/example/i);
        }
      }
      examples.set(
        operation.operationId,
        named.map((example) => example.value),
      );
    }
    const first = (operationId: string): Record<string, unknown> => {
      const values = examples.get(operationId);
      if (!values) throw new Error(`no example for ${operationId}`);
      return values[0];
    };
    const admin = bearer(ADMIN_TOKEN);
    const send = async (
      method: 'post' | 'patch',
      url: string,
      operationId: string,
      expected: number,
      ifMatch?: string,
    ): Promise<Record<string, unknown>> => {
      const request = t.http[method](url).set(...admin);
      if (ifMatch !== undefined) void request.set('if-match', ifMatch);
      const response = await request.send(first(operationId));
      expect({
        operationId,
        status: response.status,
        body: response.status === expected ? null : response.body,
      }).toEqual({
        operationId,
        status: expected,
        body: null,
      });
      return response.body as Record<string, unknown>;
    };

    const user = await send('post', '/api/v1/users', 'createUser', 201);
    const userId = (user.user as { id: string }).id;
    await send('patch', `/api/v1/users/${userId}`, 'updateUser', 200, '"1"');
    for (const value of examples.get('createActor') ?? []) {
      const response = await t.http
        .post('/api/v1/actors')
        .set(...admin)
        .send(value);
      expect(response.status).toBe(201);
    }
    const actor = await t.http.get('/api/v1/actors?q=Example%20Eurasian').set(...admin);
    const actorSlug = (actor.body.data[0] as { slug: string }).slug;
    await send('patch', `/api/v1/actors/${actorSlug}`, 'updateActor', 200, '"1"');
    await send('post', '/api/v1/events', 'createEvent', 201);

    const proposal = await send('post', '/api/v1/proposals', 'createProposal', 201);
    const slug = proposal.slug as string;
    expect(proposal.title).toMatch(/^Example/);
    const updated = await send(
      'patch',
      `/api/v1/proposals/${slug}`,
      'updateProposal',
      200,
      `"${String(proposal.version)}"`,
    );
    expect(updated.summary).toMatch(/^Example/);
    const transition = await send('post', `/api/v1/proposals/${slug}/transitions`, 'recordTransition', 201);
    const transitionId = (transition.transition as { id: string } | undefined)?.id ?? (transition.id as string);
    await send('post', `/api/v1/proposals/${slug}/transitions/${transitionId}/retract`, 'retractTransition', 200);
    await send('post', `/api/v1/proposals/${slug}/redate`, 'redateProposal', 200);
    const assessment = await send('post', `/api/v1/proposals/${slug}/assessments`, 'recordAssessment', 201);
    await send(
      'post',
      `/api/v1/proposals/${slug}/assessments/${String(assessment.id)}/withdraw`,
      'withdrawAssessment',
      200,
    );

    const act = await send('post', `/api/v1/proposals/${slug}/participation`, 'recordParticipation', 201);
    await send(
      'post',
      `/api/v1/proposals/${slug}/participation/${String(act.id)}/retract`,
      'retractParticipation',
      200,
    );

    const statement = await send('post', '/api/v1/statements', 'createStatement', 201);
    expect(statement.summary).toMatch(/^Example/);
    const statementId = statement.id as string;
    await send('patch', `/api/v1/statements/${statementId}`, 'updateStatement', 200, `"${String(statement.version)}"`);
    const source = (statement.source as { id: string }).id;
    expect((statement.source as { url: string }).url).toMatch(/^https:\/\/example\.org\//);
    await send('patch', `/api/v1/sources/${source}`, 'updateSource', 200, '"1"');
    await send('post', `/api/v1/statements/${statementId}/retract`, 'retractStatement', 200);
  });
});
