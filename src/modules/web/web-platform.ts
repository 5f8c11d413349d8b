import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySecureSession from '@fastify/secure-session';
import fastifyView from '@fastify/view';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Eta } from 'eta';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'fast-querystring';
import { type AppConfig, ConfigError } from '../../common/config/app-config.js';

/** The templates: `views/` at the package's root, found from the source tree (tests) and the built one alike. */
export const VIEWS_DIR = packageDir(path.dirname(fileURLToPath(import.meta.url)));

function packageDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'views');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const RELOAD_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0">' +
  '<title>Policy-proposal tracker</title></head><body><p>Loading…</p></body></html>';

/** How long a sign-in lasts (contract §9: 12 hours). */
export const SESSION_SECONDS = 12 * 60 * 60;
export const SESSION_COOKIE = 'ppt_session';
export const CSRF_COOKIE = 'ppt_csrf';

/** Form bodies of the pages: a development logged with a few statements fits many times over. */
const FORM_BODY_LIMIT = 256 * 1024;

/** Paths of the JSON API and the probes; every other path is a page. */
const NOT_PAGES = /^\/(api\/|docs(\/|$)|openapi\.(json|yaml)$|health$|ready$)/;

export function isPage(pathname: string): boolean {
  return !NOT_PAGES.test(pathname);
}

/** The one page that takes a form from someone not signed in: the sign-in form itself. */
export function takesAnonymousPost(pathname: string): boolean {
  return pathname === '/login';
}

/** The API token a page request's session holds, if it has one. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const token: unknown = request.session?.get('token');
  return typeof token === 'string' ? token : undefined;
}

declare module '@fastify/secure-session' {
  interface SessionData {
    token: string;
    next: string;
  }
}

/** The session secret `withSessionSecret` settled at start; an app made without one cannot serve pages. */
function requiredSessionSecret(config: AppConfig): string {
  if (config.sessionSecret === undefined) throw new ConfigError('SESSION_SECRET is not set');
  return config.sessionSecret;
}

/**
 * The plugins the pages stand on, registered before anything reads the session: cookies, the
 * encrypted session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS, 12 hours), CSRF
 * tokens (their secret in a cookie of its own), Eta templates (auto-escaping), and form bodies — parsed on pages only, so that
 * the API stays JSON-only (a form posted to it is a 415, as before).
 */
export async function registerWebPlatform(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifySecureSession, {
    cookieName: SESSION_COOKIE,
    expiry: SESSION_SECONDS,
    // A secret of 32+ bytes chosen by the operator: its hash is a key as strong, made at once (the
    // plugin's own derivation from a secret, a password hash, would slow every start).
    key: createHash('sha256')
      .update(`ppt-sessions:${requiredSessionSecret(config)}`)
      .digest(),
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: SESSION_SECONDS },
  });
  // The form token's secret has a cookie of its own: a page shown to a visit that came without the
  // session cookie (a link from another site) makes a new secret, and must not replace the session.
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' },
  });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true }) },
    templates: VIEWS_DIR,
    production: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // A link from another site brings no SameSite=Strict cookie: the page would be shown signed out.
  // Where the browser says so (Sec-Fetch-Site, sent over HTTPS and to localhost), such a visit gets
  // a page that loads itself again, from this site, with the cookie (no JavaScript needed).
  fastify.addHook('onRequest', (request, reply, done) => {
    const crossSite = request.headers['sec-fetch-site'] === 'cross-site';
    if (!crossSite || request.method !== 'GET' || request.cookies[SESSION_COOKIE] !== undefined) return done();
    if (!isPage(request.url.split('?')[0])) return done();
    void reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(RELOAD_PAGE);
  });
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (request, body, done) => {
      if (!isPage(request.url.split('?')[0])) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/x-www-form-urlencoded'), undefined);
        return;
      }
      done(null, parseQuery(body as string));
    },
  );
}

/** Every form a page posts carries the CSRF token of its session; one without it is refused (403). */
export function checkCsrfOnPages(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST' || !isPage(request.url.split('?')[0])) {
      done();
      return;
    }
    fastify.csrfProtection(request, reply, done);
  });
}
