import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { displayPrefix, generateToken, hashToken } from '../../common/auth/tokens.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersRepository } from './users.repository.js';
import { NO_REQUEST } from '../../common/context/request-context.js';

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
    private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly audit: AuditService,
  ) {}

  async ensureAdmin(): Promise<void> {
    const created = await this.db.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const { adminToken } = this.config;
      if (adminToken === undefined && (await this.users.exists(manager))) return undefined;
      const token = adminToken ?? generateToken();
      const admin = await this.users.upsertAdmin('admin', manager);
      if (admin.changed) {
        await this.audit.record(NO_REQUEST, {
          action: 'create',
          entityType: 'user',
          entityId: admin.id,
          before: null,
          after: { name: 'admin', role: 'admin', active: true },
        });
      }
      const tokenId = await this.users.insertToken(admin.id, hashToken(token), displayPrefix(token), manager);
      if (tokenId !== '')
        await this.audit.record(NO_REQUEST, {
          action: 'issue',
          entityType: 'token',
          entityId: tokenId,
          before: null,
          after: { userId: admin.id },
        });
      return adminToken === undefined ? token : undefined;
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
      // The pages take the same token.
      signIn: `http://localhost:${this.config.port}/login`,
    });
  }
}
