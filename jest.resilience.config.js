/**
 * The resilience suite (`npm run test:resilience`): crash, outage, races, shutdown, a model-based
 * run and a fuzz run. Each fault test starts its own service process and its own PostgreSQL.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/resilience/**/*.spec.ts'],
  testTimeout: 300_000,
};
