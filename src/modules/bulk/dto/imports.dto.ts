import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { booleanFlag } from '../../../common/http/query-values.js';

/** What an import holds. Only whole dumps so far: row imports (statements, …) are yet to come. */
export const IMPORT_KINDS = ['dump'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export class ImportQueryDto {
  @ApiProperty({ enum: IMPORT_KINDS, description: '`dump`: a whole export (`GET /export`), into an empty database' })
  @IsIn(IMPORT_KINDS, { message: `kind must be one of ${IMPORT_KINDS.join(', ')}` })
  kind: ImportKind;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true checks the whole file, loading it in a transaction that is then rolled back',
  })
  @IsOptional()
  @Transform(booleanFlag)
  @IsIn([true, false], { message: 'dryRun must be true or false' })
  dryRun?: boolean;
}

export class ImportTotalsDto {
  @ApiProperty({ example: 154, description: 'Records in the file (the manifest not counted)' })
  rows: number;

  @ApiProperty({ example: 154, description: 'Records written (0 with dryRun)' })
  created: number;

  @ApiProperty({ example: 0 })
  unchanged: number;

  @ApiProperty({ example: 0, description: 'Always 0 in a report: a file with an error is refused whole (4xx)' })
  errors: number;
}

export class ImportReportDto {
  @ApiProperty({ enum: IMPORT_KINDS, example: 'dump' })
  kind: ImportKind;

  @ApiProperty({ example: false })
  dryRun: boolean;

  @ApiProperty({ type: ImportTotalsDto })
  totals: ImportTotalsDto;

  @ApiProperty({
    example: { user: 2, actor: 41, event: 9, source: 23, proposal: 12, transition: 30, statement: 28 },
    description: 'Records by type',
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  counts: Record<string, number>;

  @ApiProperty({
    example: ['admin'],
    description: "The dump's users found here by name: their records are now this database's user of that name",
  })
  usersMatched: string[];
}
