import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { EventsModule } from '../events/events.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { ProposalStatementsController } from './proposal-statements.controller.js';
import { StatementsController } from './statements.controller.js';
import { StatementsRepository } from './statements.repository.js';
import { StatementsService } from './statements.service.js';
import { TimelineService } from './timeline.service.js';

@Module({
  imports: [ActorsModule, EventsModule, ProposalsModule, SourcesModule],
  controllers: [StatementsController, ProposalStatementsController],
  providers: [StatementsRepository, StatementsService, TimelineService],
  exports: [StatementsService, TimelineService],
})
export class StatementsModule {}
