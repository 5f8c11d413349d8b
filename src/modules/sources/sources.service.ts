import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SourceDto, SourceInputDto } from './dto/source.dto.js';
import { SourcesRepository } from './sources.repository.js';

/** Where facts were published: every module that cites a source finds or creates it here. */
@Injectable()
export class SourcesService {
  constructor(private readonly sources: SourcesRepository) {}

  /**
   * The source row for each citation, created on first use, in the caller's transaction. A later
   * citation of the same article may fill fields the first one left empty, never overwrite them.
   */
  findOrCreate(citations: SourceInputDto[], manager: EntityManager): Promise<SourceDto[]> {
    return this.sources.findOrCreate(citations, manager);
  }
}
