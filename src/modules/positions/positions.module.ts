import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { ParticipationController } from './participation.controller.js';
import { ParticipationRepository } from './participation.repository.js';
import { ParticipationService } from './participation.service.js';
import { PositionsController } from './positions.controller.js';
import { PositionsRepository } from './positions.repository.js';
import { PositionsService } from './positions.service.js';

/** Who stands where (contract §6): actors' formal acts toward proposals, and their positions over time. */
@Module({
  imports: [ProposalsModule, ActorsModule, SourcesModule],
  controllers: [ParticipationController, PositionsController],
  providers: [ParticipationRepository, ParticipationService, PositionsRepository, PositionsService],
  exports: [ParticipationService, PositionsService],
})
export class PositionsModule {}
