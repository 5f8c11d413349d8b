import { ConfigError, loadConfig } from '../../src/common/config/app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      publicRead: false,
      rateLimitPerMinute: 600,
      corsOrigins: [],
      seedOnEmpty: true,
      logLevel: 'info',
      tokenCache: true,
    });
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it('does not seed an external database unless asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).seedOnEmpty).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', SEED_ON_EMPTY: 'true' }).seedOnEmpty).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'mysql://h/db' }, /postgres/],
    [{ DATABASE_URL: 'postgres://host' }, /database/],
    [{ PUBLIC_READ: 'yes' }, /PUBLIC_READ/],
    [{ TOKEN_CACHE: 'off' }, /TOKEN_CACHE/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ REDIS_URL: 'http://localhost:6379' }, /REDIS_URL must use redis:\/\//],
    [{ TRUST_PROXY: 'everyone' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.1/8/2' }, /TRUST_PROXY/],
  ])('refuses %p with a one-line message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes REDIS_URL and the trusted proxies as given', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://:pw@cache:6379/2' }).redisUrl).toBe('redis://:pw@cache:6379/2');
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1,172.16.0.5' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::1',
      '172.16.0.5',
    ]);
  });

  it('splits CORS_ORIGINS', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.org, https://b.org' }).corsOrigins).toEqual([
      'https://a.org',
      'https://b.org',
    ]);
  });
});
