import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import type { Role } from '../../common/auth/roles.js';
import { UserEntity } from './entities/user.entity.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Db) {}

  /** The active owner of a standing token (with the stored hash), or null for unknown, revoked or deactivated. */
  async findActiveByTokenHash(tokenHash: string): Promise<(AuthenticatedUser & { tokenHash: string }) | null> {
    const rows: (AuthenticatedUser & { tokenHash: string })[] = await this.db.prepared(
      `SELECT u.id, u.name, u.role, t.token_hash AS "tokenHash"
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.db.manager.getRepository(UserEntity).findOneBy({ id });
  }

  findByName(name: string, manager: EntityManager = this.db.manager): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOneBy({ name });
  }

  async exists(manager: EntityManager = this.db.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM users LIMIT 1');
    return rows.length > 0;
  }

  /** Inserts a user unless the name is taken; null when it is. */
  async insert(name: string, role: Role, manager: EntityManager = this.db.manager): Promise<UserEntity | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO users (name, role) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT uq_users_name DO NOTHING RETURNING id`,
      [name, role],
    );
    if (rows.length === 0) return null;
    return manager.getRepository(UserEntity).findOneByOrFail({ id: rows[0].id });
  }

  /** Stores a token's hash; the token id, or '' when that token already stood for the user. */
  async insertToken(
    userId: string,
    tokenHash: string,
    prefix: string,
    manager: EntityManager = this.db.manager,
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT uq_api_tokens_token_hash DO UPDATE SET revoked_at = NULL
       WHERE api_tokens.user_id = EXCLUDED.user_id AND api_tokens.revoked_at IS NOT NULL
       RETURNING id`,
      [userId, tokenHash, prefix],
    );
    return rows[0]?.id ?? '';
  }

  /** Revokes a standing token of the user's. */
  async revokeToken(userId: string, tokenId: string): Promise<'revoked' | 'already' | 'missing'> {
    const rows: { revoked: boolean }[] = await this.db.manager.query(
      `SELECT revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [tokenId, userId],
    );
    if (rows.length === 0) return 'missing';
    if (rows[0].revoked) return 'already';
    await this.db.manager.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, [tokenId]);
    return 'revoked';
  }

  /** Makes the named user an active admin (the ADMIN_TOKEN bootstrap). */
  async upsertAdmin(name: string, manager: EntityManager): Promise<{ id: string; changed: boolean }> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO users (name, role) VALUES ($1, 'admin')
       ON CONFLICT ON CONSTRAINT uq_users_name
       DO UPDATE SET role = 'admin', active = true, updated_at = now(), version = users.version + 1
         WHERE users.role <> 'admin' OR NOT users.active
       RETURNING id`,
      [name],
    );
    if (rows[0]) return { id: rows[0].id, changed: true };
    const existing = await this.findByName(name, manager);
    return { id: (existing as UserEntity).id, changed: false };
  }

  /** Users by name, the page after `afterName`. */
  async list(limit: number, afterName: string | undefined): Promise<UserEntity[]> {
    const qb = this.db.manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .orderBy('u.name COLLATE "C"', 'ASC')
      .limit(limit + 1);
    if (afterName !== undefined) qb.where('u.name COLLATE "C" > :afterName', { afterName });
    return qb.getMany();
  }

  /** Replaces the user's feed key (by its hash): the old one stops opening feeds. */
  async setFeedKeyHash(id: string, hash: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE users SET feed_key_hash = $2 WHERE id = $1', [id, hash]);
  }

  /** The active user whose feed key has this hash, or null. */
  async findActiveByFeedKeyHash(hash: string): Promise<AuthenticatedUser | null> {
    const rows: AuthenticatedUser[] = await this.db.manager.query(
      'SELECT id, name, role FROM users WHERE feed_key_hash = $1 AND active',
      [hash],
    );
    return rows[0] ?? null;
  }

  /** Applies the change if `version` is still current; false when it is not. */
  /** Locks every active admin but `id` until the transaction ends; gives how many there are. */
  async lockOtherActiveAdmins(id: string, manager: EntityManager): Promise<number> {
    const rows: unknown[] = await manager.query(
      `SELECT id FROM users WHERE role = 'admin' AND active AND id <> $1 ORDER BY id FOR UPDATE`,
      [id],
    );
    return rows.length;
  }

  async update(id: string, version: number, changes: { role?: Role; active?: boolean }): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.manager.query(
      `UPDATE users SET role = COALESCE($3, role), active = COALESCE($4, active),
              updated_at = now(), version = version + 1
        WHERE id = $1 AND version = $2`,
      [id, version, changes.role ?? null, changes.active ?? null],
    );
    return count === 1;
  }
}
