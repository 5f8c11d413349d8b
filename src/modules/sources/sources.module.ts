import { Module } from '@nestjs/common';
import { SourcesRepository } from './sources.repository.js';
import { SourcesService } from './sources.service.js';

@Module({ providers: [SourcesRepository, SourcesService], exports: [SourcesService] })
export class SourcesModule {}
