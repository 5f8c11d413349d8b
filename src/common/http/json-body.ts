import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/** Deeper than any body this API takes; far shallower than what exhausts a validator's stack. */
export const MAX_JSON_DEPTH = 32;
/** Longer than any list a body of this API takes (500 at most); short enough to validate at once. */
export const MAX_JSON_ITEMS = 1000;
/** A surrogate that is not half of a pair (in a `u` pattern, a pair is one character, not \p{Cs}). */
export const UNPAIRED = /\p{Cs}/u;

export class JsonBodyError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly code:
      | 'FST_ERR_CTP_INVALID_JSON_BODY'
      | 'PPT_JSON_TOO_DEEP'
      | 'PPT_JSON_TOO_LONG'
      | 'PPT_NUL_CHARACTER'
      | 'PPT_NOT_UNICODE',
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
export function inspectJson(value: unknown): { depth: number; nul: boolean; longest: number; unpaired: boolean } {
  let deepest = 0;
  let longest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { depth: deepest, nul: true, longest, unpaired: false };
      if (UNPAIRED.test(current)) return { depth: deepest, nul: false, longest, unpaired: true };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return { depth: deepest, nul: false, longest, unpaired: false };
    if (Array.isArray(current)) {
      longest = Math.max(longest, current.length);
      if (longest > MAX_JSON_ITEMS) return { depth: deepest, nul: false, longest, unpaired: false };
    }
    for (const [key, inner] of Object.entries(current)) {
      if (key.includes('\u0000')) return { depth: deepest, nul: true, longest, unpaired: false };
      if (UNPAIRED.test(key)) return { depth: deepest, nul: false, longest, unpaired: true };
      stack.push([inner, depth + 1]);
    }
  }
  return { depth: deepest, nul: false, longest, unpaired: false };
}

/**
 * Parses JSON bodies as Fastify does (refusing `__proto__` and `constructor.prototype` keys), and
 * also refuses nesting deeper than {@link MAX_JSON_DEPTH} and NUL characters: every one of these
 * is a 400, not a stack overflow or a database error further down.
 */
export function parseJsonBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    // Read as UTF-8, bytes that are not would silently become U+FFFD: refused instead.
    if (!isUtf8(bytes)) {
      done(new JsonBodyError('PPT_NOT_UNICODE', 'The body is not valid UTF-8.'), undefined);
      return;
    }
    const text = bytes.toString('utf8');
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
    if (inspected.unpaired) {
      done(
        new JsonBodyError(
          'PPT_NOT_UNICODE',
          'The body holds an unpaired surrogate (\\ud800–\\udfff), which is no character.',
        ),
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
