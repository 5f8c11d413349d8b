import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { booleanFlag } from '../../../common/http/query-values.js';
import { FieldProblemDto } from '../../../common/errors/problem.js';

/** What an import holds: a whole export (`dump`), or rows of one kind of record. */
export const IMPORT_KINDS = ['dump', 'statements'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export class ImportQueryDto {
  @ApiProperty({
    enum: IMPORT_KINDS,
    description:
      '`statements`: rows, each as POST /statements takes it (staff); `dump`: a whole export (GET /export) into an empty database (admin)',
  })
  @IsIn(IMPORT_KINDS, { message: `kind must be one of ${IMPORT_KINDS.join(', ')}` })
  kind: ImportKind;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true goes through the whole file as an import would, reports, and writes nothing',
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

  @ApiProperty({ example: 0, description: 'Rows in error: any, and nothing is written (422, this report in `report`)' })
  errors: number;
}

export class ImportRowDto {
  @ApiProperty({
    example: 1,
    description: 'The row: a CSV file’s first line after the header is 1; a JSON Lines file’s line',
  })
  row: number;

  @ApiProperty({ enum: ['created', 'unchanged', 'error'], example: 'created' })
  status: 'created' | 'unchanged' | 'error';

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The record created, or the one it repeats (not given in a dry run)',
  })
  id?: string;

  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'What is wrong with the row, field by field' })
  errors?: FieldProblemDto[];
}

export class ImportReportDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A row import’s id: the request id of its audit entries and changes is `import:<id>`',
  })
  id?: string;

  @ApiProperty({ enum: IMPORT_KINDS, example: 'statements' })
  kind: ImportKind;

  @ApiProperty({ example: false })
  dryRun: boolean;

  @ApiProperty({ type: ImportTotalsDto })
  totals: ImportTotalsDto;

  @ApiPropertyOptional({ type: [ImportRowDto], description: 'A row import: each row’s outcome' })
  rows?: ImportRowDto[];

  @ApiPropertyOptional({
    example: { user: 2, actor: 41, event: 9, source: 23, proposal: 12, transition: 30, statement: 28 },
    description: 'A dump: records by type',
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  counts?: Record<string, number>;

  @ApiPropertyOptional({
    example: ['admin'],
    description: "The dump's users found here by name: their records are now this database's user of that name",
  })
  usersMatched?: string[];
}
