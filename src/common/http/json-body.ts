import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/** Deeper than any body this API takes; far shallower than what exhausts a validator's stack. */
export const MAX_JSON_DEPTH = 32;
/** Longer than any list a body of this API takes (500 at most); short enough to validate at once. */
export const MAX_JSON_ITEMS = 1000;

export class JsonBodyError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly code: 'FST_ERR_CTP_INVALID_JSON_BODY' | 'PPT_JSON_TOO_DEEP' | 'PPT_JSON_TOO_LONG' | 'PPT_NUL_CHARACTER',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The nesting depth of a parsed JSON value, its longest array, and whether any key or string holds
 * a NUL character (which PostgreSQL text cannot store), walked without recursion; it stops at the
 * first that is over its bound.
 */
export function inspectJson(value: unknown): { depth: number; nul: boolean; longest: number } {
  let deepest = 0;
  let longest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { depth: deepest, nul: true, longest };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return { depth: deepest, nul: false, longest };
    if (Array.isArray(current)) {
      longest = Math.max(longest, current.length);
      if (longest > MAX_JSON_ITEMS) return { depth: deepest, nul: false, longest };
    }
    for (const [key, inner] of Object.entries(current)) {
      if (key.includes('\u0000')) return { depth: deepest, nul: true, longest };
      stack.push([inner, depth + 1]);
    }
  }
  return { depth: deepest, nul: false, longest };
}

/**
 * Parses JSON bodies as Fastify does (refusing `__proto__` and `constructor.prototype` keys), and
 * also refuses nesting deeper than {@link MAX_JSON_DEPTH} and NUL characters: every one of these
 * is a 400, not a stack overflow or a database error further down.
 */
export function parseJsonBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    // An empty body is no body, whatever the Content-Type: clients that set it on every request
    // (curl scripts, generated clients) may call routes that take none. A route that needs one
    // answers which fields are required.
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      done(new JsonBodyError('FST_ERR_CTP_INVALID_JSON_BODY', 'The body is not valid JSON.'), undefined);
      return;
    }
    const inspected = inspectJson(parsed);
    if (inspected.depth > MAX_JSON_DEPTH) {
      done(new JsonBodyError('PPT_JSON_TOO_DEEP', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
      return;
    }
    if (inspected.longest > MAX_JSON_ITEMS) {
      done(
        new JsonBodyError('PPT_JSON_TOO_LONG', `A list in the body holds more than ${MAX_JSON_ITEMS} items.`),
        undefined,
      );
      return;
    }
    if (inspected.nul) {
      done(
        new JsonBodyError('PPT_NUL_CHARACTER', 'The body holds a NUL character, which no field may contain.'),
        undefined,
      );
      return;
    }
    done(null, parsed);
  });
}
