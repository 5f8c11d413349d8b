import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem.js';

export const API_DESCRIPTION = `
Follows international initiatives from first floated to adoption, implementation or abandonment,
with an append-only, sourced status history.

**Errors** are RFC 9457 \`application/problem+json\`: \`type\`, \`title\`, \`status\`, \`detail\`,
\`instance\`, \`requestId\`, and \`errors: [{field, message}]\` for field problems.

**Tokens.** \`Authorization: Bearer <token>\`. Revoking a token, deactivating its user or changing
the user's role takes effect on the next request; on other instances of the service sharing the
database, as soon as PostgreSQL notifies them of the change (see the README).

**Conditional requests.** Single resources carry an \`ETag\` (their version; a proposal's also names
the day its momentum is computed for); \`If-None-Match\` on a GET answers 304. A PATCH needs
\`If-Match\` with the ETag you read, or \`version\` in the body: 428 without, 412 when stale.

**Idempotency keys.** Every POST accepts \`Idempotency-Key\` (1–255 visible ASCII characters),
scoped to the calling user. The first request's status and body are stored in the transaction of
its effect; a repeat with the same method, path and body within 24 hours returns them again with
\`Idempotent-Replayed: true\` and writes nothing. The same key with another body or path is a 422;
a repeat while the first is still in flight is a 409. A request that fails (any 4xx or 5xx) stores
nothing and frees the key; so does one whose process dies (the key is claimed in the transaction
of its effect), at once. Keys are purged 24 hours after their first use. A token is shown once: the replay of a
request that issued one (POST /users, POST /users/{id}/tokens) answers \`token: null\`, since no
token is ever stored.

**Rate limits.** Each user (each address without a valid token) may make RATE_LIMIT_PER_MINUTE
requests a minute. Responses carry \`RateLimit-Limit\`, \`RateLimit-Remaining\` and
\`RateLimit-Reset\`; beyond the limit, 429 with \`Retry-After\`. An address that sends
FAILED_AUTH_PER_MINUTE bad tokens in a minute gets 429 for any token not seen valid lately. /health
and /ready are not limited. A request that needs a token and has no valid one is a 401 before its
body is read.

**Limits.** Bodies up to 1 MiB (413 beyond), UTF-8, lists in them up to 1,000 items; every string
and list has a documented maximum (a quote 20,000 characters, tags 20, proposers 50, …): 400
beyond. A 400 lists at most 20 field problems and counts the rest. Integers in a query are decimal
digits (\`limit=0x10\` is a 400). Cursors are signed: one altered is a 400.
`.trim();

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDto' } } },
});

/** Adds what every POST shares: the Idempotency-Key header and the answers it can lead to. */
export function documentIdempotency(document: OpenAPIObject): OpenAPIObject {
  for (const methods of Object.values(document.paths)) {
    const post = methods.post;
    if (post === undefined) continue;
    post.parameters = [
      ...(post.parameters ?? []),
      {
        in: 'header',
        name: 'Idempotency-Key',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        description: 'Makes the request safe to repeat for 24 hours (see the API description)',
      },
    ];
    post.responses['409'] ??= problem('Conflicts with the current state, or the Idempotency-Key is still in flight');
    post.responses['422'] ??= problem(
      'The body names what does not exist, or the Idempotency-Key was used with another body',
    );
  }
  return document;
}
