import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import { returning } from '../../common/database/returning.js';
import { isoTimestampSql } from '../../common/database/sql-params.js';
import type { WatchDto } from './dto/watches.dto.js';
import type { WatchTarget } from './entities/watch.entity.js';

const COLUMNS = `id, target_type AS "targetType", target, ${isoTimestampSql('created_at')} AS "createdAt"`;

@Injectable()
export class WatchesRepository {
  constructor(private readonly db: Db) {}

  /** The watch, new or the one the user already had on that target. */
  async insert(
    userId: string,
    targetType: WatchTarget,
    target: string,
  ): Promise<{ watch: WatchDto; created: boolean }> {
    const created: WatchDto[] = await this.db.manager.query(
      `INSERT INTO watches (user_id, target_type, target) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT uq_watches_target DO NOTHING RETURNING ${COLUMNS}`,
      [userId, targetType, target],
    );
    if (created.length > 0) return { watch: created[0], created: true };
    const [existing]: WatchDto[] = await this.db.manager.query(
      `SELECT ${COLUMNS} FROM watches WHERE user_id = $1 AND target_type = $2 AND target = $3`,
      [userId, targetType, target],
    );
    return { watch: existing, created: false };
  }

  list(userId: string): Promise<WatchDto[]> {
    return this.db.manager.query(`SELECT ${COLUMNS} FROM watches WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  }

  /** Deletes the user's own watch; false when they have none with that id. */
  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await returning(this.db.manager, 'DELETE FROM watches WHERE id = $1 AND user_id = $2 RETURNING id', [
      id,
      userId,
    ]);
    return rows.length === 1;
  }
}
