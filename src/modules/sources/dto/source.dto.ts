import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsPartialDate } from '../../../common/dates/partial-date.js';

/** A citation: a url or a publisher is required (print and wire copy often have no URL). */
export class SourceInputDto {
  @ApiPropertyOptional({ example: 'https://tass.com/politics/1234567', description: 'http or https' })
  @ValidateIf((source: SourceInputDto) => source.url !== undefined || source.publisher === undefined)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http or https URL (a url or a publisher is required)' },
  )
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'TASS' })
  @ValidateIf((source: SourceInputDto) => source.publisher !== undefined || source.url === undefined)
  @IsString({ message: 'publisher must be a string (a url or a publisher is required)' })
  @MinLength(1)
  @MaxLength(200)
  publisher?: string;

  @ApiPropertyOptional({ example: 'SCO, CSTO and CICA as the foundation of Eurasian security' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ example: '2024-07-01', description: 'YYYY, YYYY-MM or YYYY-MM-DD' })
  @IsOptional()
  @IsPartialDate()
  publishedOn?: string;
}

export class SourceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true })
  url: string | null;

  @ApiProperty({ type: String, nullable: true })
  publisher: string | null;

  @ApiProperty({ type: String, nullable: true })
  title: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2024-07' })
  publishedOn: string | null;
}
