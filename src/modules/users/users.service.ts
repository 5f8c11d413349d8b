import { Injectable } from '@nestjs/common';
import { Db } from '../../common/database/db.js';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { displayPrefix, generateToken, hashToken } from '../../common/auth/tokens.js';
import { DomainError, notFound } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { decodeCursor, type Page, toPage } from '../../common/pagination/cursor.js';
import type { CreatedUserDto, CreateUserDto, IssuedTokenDto, UpdateUserDto, UserDto } from './dto/users.dto.js';
import type { UserEntity } from './entities/user.entity.js';
import { UsersRepository } from './users.repository.js';

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
    private readonly db: Db,
  ) {}

  authenticate(token: string): Promise<AuthenticatedUser | null> {
    return this.users.findActiveByTokenHash(hashToken(token));
  }

  async create(input: CreateUserDto): Promise<CreatedUserDto> {
    return this.db.transaction(async (manager) => {
      const user = await this.users.insert(input.name, input.role, manager);
      if (!user) throw new DomainError('conflict', `a user named "${input.name}" already exists`);
      const token = generateToken();
      await this.users.insertToken(user.id, hashToken(token), displayPrefix(token), manager);
      return { user: toUserDto(user), token };
    });
  }

  /**
   * A user for work the service does on its own (loading seeds), so that every record names who
   * logged it. It has no token and so cannot log in.
   */
  async systemUser(name: string): Promise<AuthenticatedUser> {
    const user = (await this.users.insert(name, 'editor')) ?? (await this.users.findByName(name));
    if (!user) throw new Error(`the system user "${name}" could not be created`);
    return { id: user.id, name: user.name, role: user.role };
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

  async update(id: string, version: number, input: UpdateUserDto): Promise<UserDto> {
    const current = await this.get(id);
    const updated = await this.users.update(id, version, { role: input.role, active: input.active });
    if (!updated) throw staleVersion('the user', current.version);
    return toUserDto(await this.get(id));
  }

  async issueToken(userId: string): Promise<IssuedTokenDto> {
    await this.get(userId);
    const token = generateToken();
    const id = await this.users.insertToken(userId, hashToken(token), displayPrefix(token));
    return { id, token };
  }
}
