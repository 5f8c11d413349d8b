import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, ComposeService> };
const nginx = readFileSync('deploy/nginx.conf', 'utf8');

/** Whether `docker compose` is installed (it checks the file itself where it is). */
function dockerCompose(): boolean {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('docker-compose.yml: two instances behind a load balancer', () => {
  const { services } = compose;

  it('runs PostgreSQL, Redis, two instances of the service and nginx, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'db', 'lb', 'redis']);
    for (const [name, service] of Object.entries(services)) {
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
    }
    expect(services.db.image).toMatch(/^postgres:\d+/);
    expect(services.redis.image).toMatch(/^redis:\d+/);
    expect(services.lb.image).toMatch(/^nginx:/);
    expect(services.api.build).toBe('.');
    expect(existsSync('Dockerfile')).toBe(true);
    expect(services.api.deploy?.replicas).toBe(2);
  });

  it('starts each part once what it needs is healthy, and publishes only the load balancer', () => {
    expect(services.api.depends_on).toEqual({
      db: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(services.lb.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(services.lb.ports).toEqual(['3000:80']);
    for (const name of ['db', 'redis', 'api']) expect({ name, ports: services[name].ports }).toEqual({ name });
    // The instance's probe is the service's readiness route; the balancer's is answered by nginx.
    expect(services.api.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/ready');
    const lbProbe = /http:\/\/127\.0\.0\.1(\/[\w-]+)/.exec(services.lb.healthcheck?.test.join(' ') ?? '')?.[1];
    expect(nginx).toContain(`location = ${lbProbe} {`);
  });

  it('gives every instance the same database, Redis, session secret and admin token', () => {
    const env = services.api.environment ?? {};
    const database = new URL(env.DATABASE_URL);
    expect(database.hostname).toBe('db');
    expect(database.pathname).toBe(`/${services.db.environment?.POSTGRES_DB}`);
    expect(decodeURIComponent(database.username)).toBe(services.db.environment?.POSTGRES_USER);
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    // Required, never a default: compose refuses to start without them.
    expect(env.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
    expect(env.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?/);
    expect(env.TRUST_PROXY).toBe('uniquelocal');
  });

  it('balances over every instance Docker names, with the proxy headers the service trusts', () => {
    expect(services.lb.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(nginx).toMatch(/resolver 127\.0\.0\.11\b/);
    expect(nginx).toMatch(/server api:3000 resolve;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    // As large as the largest body the service takes (an import of 50 MiB).
    expect(nginx).toMatch(/client_max_body_size 51m;/);
  });

  // Where `docker compose` is installed, it checks the file too; elsewhere the tests above do.
  (dockerCompose() ? it : it.skip)('is a valid compose file to docker compose itself', () => {
    const config = execFileSync('docker', ['compose', 'config', '--quiet'], {
      env: { ...process.env, ADMIN_TOKEN: 'a'.repeat(32), SESSION_SECRET: 'b'.repeat(32) },
      encoding: 'utf8',
    });
    expect(config).toBe('');
  });
});
