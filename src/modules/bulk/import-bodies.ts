import { errorCodes, type FastifyInstance } from 'fastify';

/** The largest import body (contract §8); the API's other bodies stay at 1 MiB. */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * Import bodies — CSV (`text/csv`), JSON Lines (`application/x-ndjson`) or a gzipped export — are
 * taken as bytes, up to {@link IMPORT_BODY_LIMIT}, at `importsPath` only: elsewhere they are a 415,
 * as any body that is not JSON.
 */
export function parseImportBodies(fastify: FastifyInstance, importsPath: string): void {
  for (const type of ['text/csv', 'application/x-ndjson', 'application/gzip']) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (request, body, done) => {
      if (request.url.split('?')[0] !== importsPath) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(type), undefined);
        return;
      }
      done(null, body);
    });
  }
}
