import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors/domain-error.js';
import type { AppLogger } from '../logging/app-logger.js';
import { sendProblem } from '../errors/problem.filter.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * A query parameter a route does not know is a 400 on every route, as the OpenAPI document lists
 * each route's parameters: a misspelt filter (`?stauts=`) never silently answers everything. The
 * document is the one list, so a route's parameters and their check cannot drift apart.
 */
export function rejectUnknownQueryParameters(
  fastify: FastifyInstance,
  document: OpenAPIObject,
  logger: AppLogger,
): void {
  const known = new Map<string, Set<string>>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const names = (operation.parameters ?? []).flatMap((parameter) =>
        'in' in parameter && parameter.in === 'query' ? [parameter.name] : [],
      );
      known.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, new Set(names));
    }
  }
  fastify.addHook('onRequest', (request, reply, done) => {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const names = known.get(`${method} ${request.routeOptions.url}`);
    const query = request.query as Record<string, unknown> | undefined;
    if (names === undefined || query === undefined) {
      done();
      return;
    }
    const unknown = Object.keys(query).find((name) => !names.has(name));
    if (unknown === undefined) {
      done();
      return;
    }
    const expected = names.size === 0 ? 'this route takes no query parameters' : `known: ${[...names].join(', ')}`;
    sendProblem(invalid(unknown, `is not a query parameter of this route (${expected})`), request, reply, logger);
  });
}
