import { spawn } from 'node:child_process';
import http from 'node:http';

/** The tables `GET /export` reads: what PostgreSQL's own COPY is timed on, beside it. */
const EXPORTED_TABLES = [
  'users',
  'actors',
  'actor_members',
  'actor_merges',
  'events',
  'event_organizers',
  'sources',
  'proposals',
  'proposal_actors',
  'proposal_forums',
  'proposal_relations',
  'transitions',
  'transition_sources',
  'transition_statements',
  'statements',
  'statement_proposals',
  'participation',
  'participation_sources',
  'assessments',
  'assessment_sources',
];

export interface BulkFigures {
  export: {
    ms: number;
    gzipBytes: number;
    /** `COPY <table> TO STDOUT` of every table the export reads, one after another, by psql. */
    copyMs: number;
    /** The export's rate over COPY's: its time / the export's. */
    ratio: number;
    rssBeforeMiB: number;
    peakRssMiB: number;
  };
  import: { rows: number; ms: number; perSecond: number };
}

/** The export, to its last (gzipped) byte: its time and size. */
function timedExport(base: string, token: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/api/v1/export`, { headers: { authorization: `Bearer ${token}` } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.once('error', reject);
        response.once('end', () => {
          if (response.statusCode !== 200 || response.headers['content-encoding'] !== 'gzip') {
            reject(new Error(`GET /export → ${response.statusCode}`));
          } else {
            resolve({ ms: Math.round(performance.now() - started), bytes });
          }
        });
      })
      .once('error', reject);
  });
}

/** PostgreSQL's own COPY … TO STDOUT of the exported tables, through psql, the output dropped. */
function timedCopy(databaseUrl: string): Promise<number> {
  const started = performance.now();
  const args = [databaseUrl, '-X', '-q', ...EXPORTED_TABLES.flatMap((table) => ['-c', `COPY ${table} TO STDOUT`])];
  return new Promise((resolve, reject) => {
    const child = spawn('psql', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(Math.round(performance.now() - started)) : reject(new Error(`psql exited ${code}`)),
    );
  });
}

/**
 * The bulk scenarios (contract §8): the whole export beside COPY of the same tables, with the
 * service's memory while it streams; and `rows` statements imported from one CSV file.
 */
export async function measureBulk(options: {
  base: string;
  token: string;
  databaseUrl: string;
  rss: () => Promise<number>;
  rows: number;
  speaker: string;
  proposals: string[];
  log: (line: string) => void;
}): Promise<BulkFigures> {
  const { base, token, databaseUrl, rss, log } = options;
  const rssBeforeMiB = Math.round(await rss());
  let peakRssMiB = rssBeforeMiB;
  const sampler = setInterval(
    () => void rss().then((now) => (peakRssMiB = Math.max(peakRssMiB, Math.round(now)))),
    100,
  );
  const exported = await timedExport(base, token).finally(() => clearInterval(sampler));
  const copyMs = await timedCopy(databaseUrl);
  log(
    `export: ${exported.ms} ms, ${Math.round(exported.bytes / 1024 / 1024)} MiB gzipped; COPY of the same tables ` +
      `${copyMs} ms (${Math.round((copyMs / exported.ms) * 100) / 100}×); RSS ${rssBeforeMiB} → ${peakRssMiB} MiB`,
  );

  const header = 'speaker,saidOn,quote,proposals,sourceUrl';
  const lines = Array.from(
    { length: options.rows },
    (_, i) =>
      `${options.speaker},2025-01-15,Imported benchmark statement ${i} on regional security,` +
      `${options.proposals[i % options.proposals.length]}:supports,https://bench.example/import/${i}`,
  );
  const started = performance.now();
  const response = await fetch(`${base}/api/v1/imports?kind=statements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: [header, ...lines].join('\r\n'),
  });
  const report = (await response.json()) as { totals?: { created: number } };
  const ms = Math.round(performance.now() - started);
  if (response.status !== 200 || report.totals?.created !== options.rows) {
    throw new Error(`POST /imports → ${response.status}: ${JSON.stringify(report).slice(0, 300)}`);
  }
  const perSecond = Math.round((options.rows / ms) * 1000);
  log(`import: ${options.rows} statements from one CSV file in ${ms} ms (${perSecond}/s)`);
  return {
    export: {
      ms: exported.ms,
      gzipBytes: exported.bytes,
      copyMs,
      ratio: Math.round((copyMs / exported.ms) * 100) / 100,
      rssBeforeMiB,
      peakRssMiB,
    },
    import: { rows: options.rows, ms, perSecond },
  };
}
