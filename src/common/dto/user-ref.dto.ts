import { ApiProperty } from '@nestjs/swagger';

/** A user as a record names who logged, retracted or changed it. */
export class UserRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'editor-anna' })
  name: string;
}
