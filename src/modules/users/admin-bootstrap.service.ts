import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { displayPrefix, generateToken, hashToken } from '../../common/auth/tokens.js';
import { JsonLogger } from '../../common/logging/json-logger.js';
import { UsersRepository } from './users.repository.js';

/** Serializes the bootstrap of instances starting together on one database. */
const BOOTSTRAP_LOCK = 7_301_001;

/**
 * Makes sure someone can log in: `ADMIN_TOKEN` belongs to an active admin named `admin`;
 * without it, the first start of an empty database creates an admin and shows its token once.
 */
@Injectable()
export class AdminBootstrapService {
  constructor(
    private readonly users: UsersRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {}

  async ensureAdmin(): Promise<void> {
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const { adminToken } = this.config;
      if (adminToken !== undefined) {
        const id = await this.users.upsertAdmin('admin', manager);
        await this.users.insertToken(id, hashToken(adminToken), displayPrefix(adminToken), manager);
        return undefined;
      }
      if (await this.users.exists(manager)) return undefined;
      const id = await this.users.upsertAdmin('admin', manager);
      const token = generateToken();
      await this.users.insertToken(id, hashToken(token), displayPrefix(token), manager);
      return token;
    });
    if (created === undefined) return;
    let savedTo: string | undefined;
    if (this.config.databaseUrl === undefined) {
      savedTo = path.join(this.config.dataDir, 'admin-token');
      await writeFile(savedTo, `${created}\n`, { mode: 0o600 });
    }
    this.logger.write('warn', 'created the first admin user; its token is shown this once', {
      user: 'admin',
      token: created,
      savedTo,
    });
  }
}
