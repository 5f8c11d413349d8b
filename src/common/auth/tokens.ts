import { createHash, randomBytes } from 'node:crypto';

/** A readable prefix tells a leaked string apart as one of ours. */
export const TOKEN_PREFIX = 'ppt_';

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The shape of a token this service made: 256 random bits after the prefix. */
const GENERATED = /^ppt_[A-Za-z0-9_-]{43}$/;

/**
 * What is kept of a token in the clear, to recognise it by: six of the random characters of one
 * this service made (36 of its 256 bits), and nothing of any other (an `ADMIN_TOKEN` someone chose
 * may be short enough for a few characters to matter).
 */
export function displayPrefix(token: string): string {
  return GENERATED.test(token) ? token.slice(0, TOKEN_PREFIX.length + 6) : '';
}
