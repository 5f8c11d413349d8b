import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ListQueryDto } from '../../../common/http/list-query.dto.js';
import { ROLES, type Role } from '../../../common/auth/roles.js';
import { PageDto } from '../../../common/pagination/cursor.js';

export class CreateUserDto {
  @ApiProperty({ example: 'a.ivanova', description: 'Unique login name: 1–100 characters, letters, digits, . _ @ -' })
  @IsString()
  @Matches(/^[\p{L}\p{N}._@-]{1,100}$/u, { message: 'name must be 1–100 letters, digits or . _ @ -' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'staff' })
  @IsIn(ROLES)
  role: Role;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'false deactivates the user: every token of theirs stops working at once.' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: 'integer', description: 'The version you read; alternative to If-Match.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListUsersQueryDto extends ListQueryDto {}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: 'integer' })
  version: number;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  data: UserDto[];

  @ApiProperty({ type: PageDto })
  page: PageDto;
}

export class CreatedUserDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({ description: 'The bearer token, shown this once; only its hash is kept.', example: 'ppt_3q2…' })
  token: string;

  @ApiProperty({ format: 'uuid', description: 'The token’s id, to revoke it' })
  tokenId: string;
}

export class IssuedTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'The bearer token, shown this once.' })
  token: string;
}

export class MeDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({ enum: ROLES })
  role: Role;
}
