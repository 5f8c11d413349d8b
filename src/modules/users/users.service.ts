import { randomBytes } from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Db } from '../../common/database/db.js';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { displayPrefix, generateToken, hashToken } from '../../common/auth/tokens.js';
import { DomainError, notFound } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import type { CreatedUserDto, CreateUserDto, IssuedTokenDto, UpdateUserDto, UserDto } from './dto/users.dto.js';
import type { UserEntity } from './entities/user.entity.js';
import { TokenCache } from './token-cache.js';
import { UsersRepository } from './users.repository.js';
import type { RequestContext } from '../../common/context/request-context.js';

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    version: user.version,
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly db: Db,
    private readonly tokens: TokenCache,
  ) {}

  /**
   * The user a token belongs to, or null. The hash is found by index and then compared in constant
   * time, so the answer's timing says nothing about how much of a guess matched. A token found
   * valid is remembered until anything about tokens or users changes (see {@link TokenCache}).
   */
  /** The user of a token found valid lately, without asking the database; undefined if not known. */
  recall(token: string): AuthenticatedUser | undefined {
    return this.tokens.recall(hashToken(token));
  }

  async authenticate(token: string): Promise<AuthenticatedUser | null> {
    const hash = hashToken(token);
    const recalled = this.tokens.recall(hash);
    if (recalled !== undefined) return recalled;
    const generation = this.tokens.generation;
    const found = await this.users.findActiveByTokenHash(hash);
    if (!found || !timingSafeEqual(Buffer.from(found.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    const user: AuthenticatedUser = { id: found.id, name: found.name, role: found.role };
    this.tokens.remember(hash, user, generation);
    return user;
  }

  async create(input: CreateUserDto, context: RequestContext): Promise<CreatedUserDto> {
    return this.db.transaction(async (manager) => {
      const user = await this.users.insert(input.name, input.role, manager);
      if (!user) throw new DomainError('conflict', `a user named "${input.name}" already exists`);
      const token = generateToken();
      const tokenId = await this.users.insertToken(user.id, hashToken(token), displayPrefix(token), manager);
      await this.audit.record(context, {
        action: 'create',
        entityType: 'user',
        entityId: user.id,
        before: null,
        after: toUserDto(user),
      });
      await this.audit.record(context, {
        action: 'issue',
        entityType: 'token',
        entityId: tokenId,
        before: null,
        after: { userId: user.id },
      });
      return { user: toUserDto(user), token, tokenId };
    });
  }

  /**
   * A user for work the service does on its own (loading seeds), so that every record names who
   * logged it. It has no token and so cannot log in.
   */
  async systemUser(name: string, context: RequestContext): Promise<AuthenticatedUser> {
    return this.db.transaction(async (manager) => {
      const created = await this.users.insert(name, 'editor', manager);
      if (created)
        await this.audit.record(context, {
          action: 'create',
          entityType: 'user',
          entityId: created.id,
          before: null,
          after: toUserDto(created),
        });
      const user = created ?? (await this.users.findByName(name, manager));
      if (!user) throw new Error(`the system user "${name}" could not be created`);
      return { id: user.id, name: user.name, role: user.role };
    });
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw notFound('user', id);
    return user;
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<UserDto>> {
    const filters = { resource: 'users' };
    const after = cursor === undefined ? undefined : String(decodeCursor(cursor, filters)[0]);
    const rows = await this.users.list(limit, after);
    return toPage(rows, limit, filters, (u) => [u.name], toUserDto);
  }

  /** Changes a role, or deactivates (`active: false`): every token of theirs stops working at once. */
  async update(id: string, version: number, input: UpdateUserDto, context: RequestContext): Promise<UserDto> {
    // A role or deactivation applies to the next request at once: every remembered token is forgotten
    // as soon as the change commits (other instances, when its notice arrives).
    try {
      return await this.db.transaction(async (manager) => {
        const current = await this.get(id);
        const demoted = (input.role !== undefined && input.role !== 'admin') || input.active === false;
        if (demoted && current.role === 'admin' && current.active) {
          // Locked, so that two admins demoting each other at once cannot both succeed.
          const others = await this.users.lockOtherActiveAdmins(id, manager);
          if (others === 0) {
            throw new DomainError(
              'conflict',
              'This is the last active admin: make another user admin first, or no one could manage users',
            );
          }
        }
        const applied = await this.users.update(id, version, { role: input.role, active: input.active });
        if (!applied) throw staleVersion('the user', current.version);
        const updated = toUserDto(await this.get(id));
        await this.audit.recordEdit(context, 'user', id, { ...toUserDto(current) }, { ...updated });
        return updated;
      });
    } finally {
      this.tokens.forget();
    }
  }

  async issueToken(userId: string, context: RequestContext): Promise<IssuedTokenDto> {
    return this.db.transaction(async (manager) => {
      await this.get(userId);
      const token = generateToken();
      const id = await this.users.insertToken(userId, hashToken(token), displayPrefix(token), manager);
      await this.audit.record(context, {
        action: 'issue',
        entityType: 'token',
        entityId: id,
        before: null,
        after: { userId },
      });
      return { id, token };
    });
  }

  /**
   * A new read-only feed key for the caller (`?key=` on Atom feeds, which readers fetch without
   * headers), shown this once; the old key stops working. Only its hash is kept.
   */
  async issueFeedKey(userId: string, context: RequestContext): Promise<string> {
    return this.db.transaction(async (manager) => {
      const key = `ppt_feed_${randomBytes(24).toString('base64url')}`;
      await this.users.setFeedKeyHash(userId, hashToken(key), manager);
      await this.audit.record(context, {
        action: 'issue',
        entityType: 'feed-key',
        entityId: userId,
        before: null,
        after: { userId },
      });
      return key;
    });
  }

  /** The active user a feed key belongs to, or null. */
  userByFeedKey(key: string): Promise<AuthenticatedUser | null> {
    return this.users.findActiveByFeedKeyHash(hashToken(key));
  }

  /** Revokes one of a user's tokens; 404 if it is not theirs, 409 if it already is revoked. */
  async revokeToken(userId: string, tokenId: string, context: RequestContext): Promise<void> {
    // The token stops working at once (see update).
    try {
      await this.db.transaction(async () => {
        await this.get(userId);
        const outcome = await this.users.revokeToken(userId, tokenId);
        if (outcome === 'missing') throw notFound('token', tokenId);
        if (outcome === 'already') throw new DomainError('conflict', 'this token is already revoked');
        await this.audit.record(context, {
          action: 'revoke',
          entityType: 'token',
          entityId: tokenId,
          before: { revoked: false, userId },
          after: { revoked: true, userId },
        });
      });
    } finally {
      this.tokens.forget();
    }
  }
}
