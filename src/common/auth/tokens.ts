import { createHash, randomBytes } from 'node:crypto';

/** A readable prefix tells a leaked string apart as one of ours. */
export const TOKEN_PREFIX = 'ppt_';

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What is shown of a token in listings: enough to recognise it, too little to use it. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
