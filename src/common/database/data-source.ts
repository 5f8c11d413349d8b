import type { DataSourceOptions } from 'typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import { InitialSchema1763800000000 } from '../../../migrations/1763800000000-InitialSchema.js';
import { StatementsEventsSearch1763900000000 } from '../../../migrations/1763900000000-StatementsEventsSearch.js';
import { SafeWrites1764000000000 } from '../../../migrations/1764000000000-SafeWrites.js';
import { ReportColumns1764100000000 } from '../../../migrations/1764100000000-ReportColumns.js';
import { StatementWindowLinks1764200000000 } from '../../../migrations/1764200000000-StatementWindowLinks.js';
import { ProposalWindowIndex1764300000000 } from '../../../migrations/1764300000000-ProposalWindowIndex.js';
import { ProposalAdvancesIndex1764400000000 } from '../../../migrations/1764400000000-ProposalAdvancesIndex.js';
import { ProposalChangeMarks1764500000000 } from '../../../migrations/1764500000000-ProposalChangeMarks.js';
import { AuthChangeNotices1764600000000 } from '../../../migrations/1764600000000-AuthChangeNotices.js';
import { Provenance1764700000000 } from '../../../migrations/1764700000000-Provenance.js';
import { Duplicates1764800000000 } from '../../../migrations/1764800000000-Duplicates.js';
import { Changes1764900000000 } from '../../../migrations/1764900000000-Changes.js';
import { CursorSecret1765000000000 } from '../../../migrations/1765000000000-CursorSecret.js';
import { HistoryGuards1765100000000 } from '../../../migrations/1765100000000-HistoryGuards.js';
import { Positions1765200000000 } from '../../../migrations/1765200000000-Positions.js';
import { HistoryRules1765300000000 } from '../../../migrations/1765300000000-HistoryRules.js';
import { ChangeEntity } from '../../modules/audit/entities/change.entity.js';
import { WatchEntity } from '../../modules/changes/entities/watch.entity.js';
import { WebhookEntity } from '../../modules/changes/entities/webhook.entity.js';
import { WebhookDeliveryEntity } from '../../modules/changes/entities/webhook-delivery.entity.js';
import { ChangeDispatchEntity } from '../../modules/changes/entities/change-dispatch.entity.js';
import { AuditEntryEntity } from '../../modules/audit/entities/audit-entry.entity.js';
import { IdempotencyKeyEntity } from '../../modules/idempotency/entities/idempotency-key.entity.js';
import { ActorMemberEntity } from '../../modules/actors/entities/actor-member.entity.js';
import { ActorEntity } from '../../modules/actors/entities/actor.entity.js';
import { ActorMergeEntity } from '../../modules/actors/entities/actor-merge.entity.js';
import { EventOrganizerEntity } from '../../modules/events/entities/event-organizer.entity.js';
import { EventEntity } from '../../modules/events/entities/event.entity.js';
import { ProposalRelationEntity } from '../../modules/proposals/entities/proposal-relation.entity.js';
import { TransitionStatementEntity } from '../../modules/proposals/entities/transition-statement.entity.js';
import { StatementProposalEntity } from '../../modules/statements/entities/statement-proposal.entity.js';
import { StatementEntity } from '../../modules/statements/entities/statement.entity.js';
import { ProposalActorEntity } from '../../modules/proposals/entities/proposal-actor.entity.js';
import { ProposalForumEntity } from '../../modules/proposals/entities/proposal-forum.entity.js';
import { ProposalEntity } from '../../modules/proposals/entities/proposal.entity.js';
import { TransitionSourceEntity } from '../../modules/proposals/entities/transition-source.entity.js';
import { TransitionEntity } from '../../modules/proposals/entities/transition.entity.js';
import { AssessmentEntity } from '../../modules/proposals/entities/assessment.entity.js';
import { AssessmentSourceEntity } from '../../modules/proposals/entities/assessment-source.entity.js';
import { ParticipationEntity } from '../../modules/positions/entities/participation.entity.js';
import { ParticipationSourceEntity } from '../../modules/positions/entities/participation-source.entity.js';
import { SourceEntity } from '../../modules/sources/entities/source.entity.js';
import { ApiTokenEntity } from '../../modules/users/entities/api-token.entity.js';
import { UserEntity } from '../../modules/users/entities/user.entity.js';

export const ENTITIES = [
  UserEntity,
  ApiTokenEntity,
  ActorEntity,
  ActorMemberEntity,
  ActorMergeEntity,
  SourceEntity,
  ProposalEntity,
  ProposalActorEntity,
  ProposalForumEntity,
  TransitionEntity,
  TransitionSourceEntity,
  ProposalRelationEntity,
  EventEntity,
  EventOrganizerEntity,
  StatementEntity,
  StatementProposalEntity,
  TransitionStatementEntity,
  AuditEntryEntity,
  IdempotencyKeyEntity,
  AssessmentEntity,
  AssessmentSourceEntity,
  ChangeEntity,
  WatchEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  ChangeDispatchEntity,
  ParticipationEntity,
  ParticipationSourceEntity,
];

/** Every migration, oldest first. A new one is appended here and never edited after it lands. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  StatementsEventsSearch1763900000000,
  SafeWrites1764000000000,
  ReportColumns1764100000000,
  StatementWindowLinks1764200000000,
  ProposalWindowIndex1764300000000,
  ProposalAdvancesIndex1764400000000,
  ProposalChangeMarks1764500000000,
  AuthChangeNotices1764600000000,
  Provenance1764700000000,
  Duplicates1764800000000,
  Changes1764900000000,
  CursorSecret1765000000000,
  HistoryGuards1765100000000,
  Positions1765200000000,
  HistoryRules1765300000000,
];

export interface PoolSettings {
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

const DEFAULT_POOL: PoolSettings = { poolSize: 10, connectTimeoutMs: 3000, statementTimeoutMs: 10_000 };

/**
 * For bulk scripts (the synthetic data generator): a statement over thousands of rows may run for
 * minutes on a busy machine, far past a request's limit, and must not be cancelled halfway.
 */
export const BULK_POOL: PoolSettings = { ...DEFAULT_POOL, statementTimeoutMs: 600_000 };

/**
 * The one description of the database, used by the application, the migration scripts and
 * the tests. Schema changes only by migrations: `synchronize` stays off everywhere.
 */
export function dataSourceOptions(url: string, pool: PoolSettings = DEFAULT_POOL): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: 'policy-proposal-tracker',
    extra: {
      max: pool.poolSize,
      // A request waits at most this long for a connection: with the database down it fails
      // fast with 503 instead of hanging, and the pool reconnects when the database returns.
      connectionTimeoutMillis: pool.connectTimeoutMs,
      statement_timeout: pool.statementTimeoutMs,
      query_timeout: pool.statementTimeoutMs + 1000,
      lock_timeout: pool.statementTimeoutMs,
      idle_in_transaction_session_timeout: pool.statementTimeoutMs * 3,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      // The queries are short and planned fresh; compiling them with LLVM costs more than it saves
      // (measured: ~40 ms of a 300 ms report at 10k proposals).
      // Room for the report's sorts and hashes over every proposal without spilling to disk.
      options: '-c jit=off -c work_mem=32MB',
    },
  };
}

/** Serializes migration runs of instances starting together on one database. */
const MIGRATION_LOCK = 7_301_000;

/**
 * Applies pending migrations under an advisory lock; returns the names applied. They run on a
 * connection of their own without the request timeouts: a migration may rewrite a table of
 * millions of rows, which takes longer than any request may. A lock it waits for still times out.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const options = dataSource.options;
  const extra = ('extra' in options ? options.extra : {}) as Record<string, unknown>;
  const migrator = new DataSource({
    ...options,
    extra: {
      ...extra,
      max: 1,
      statement_timeout: 0,
      query_timeout: undefined,
      idle_in_transaction_session_timeout: 0,
    },
  });
  await migrator.initialize();
  const runner = migrator.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const executor = new MigrationExecutor(migrator, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await migrator.destroy();
  }
}

/** The lock the seed loading of an empty database is done under (see {@link underSessionLock}). */
export const SEED_LOCK = 7_301_002;

/**
 * Runs `work` while this session holds the advisory lock `key`, on a connection kept for it: of
 * several instances starting at once, one does the work at a time (each then sees what the one
 * before did). The work itself may use any connection.
 */
export async function underSessionLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    return await work();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await runner.release();
  }
}

/** A connected DataSource outside Nest, for scripts and tests; a request's timeouts unless told. */
export async function connect(url: string, pool: PoolSettings = DEFAULT_POOL): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(url, pool));
  await dataSource.initialize();
  return dataSource;
}
