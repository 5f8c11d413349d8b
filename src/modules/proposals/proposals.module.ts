import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { SourcesModule } from '../sources/sources.module.js';
import { AssessmentsController } from './assessments.controller.js';
import { AssessmentsRepository } from './assessments.repository.js';
import { AssessmentsService } from './assessments.service.js';
import { MomentumRepository } from './momentum.repository.js';
import { ProgressRepository } from './progress.repository.js';
import { ProgressService } from './progress.service.js';
import { ProposalsController } from './proposals.controller.js';
import { ProposalsRepository } from './proposals.repository.js';
import { ProposalsService } from './proposals.service.js';
import { TransitionsRepository } from './transitions.repository.js';
import { WorkflowService } from './workflow.service.js';

@Module({
  imports: [ActorsModule, SourcesModule],
  controllers: [ProposalsController, AssessmentsController],
  providers: [
    ProposalsRepository,
    TransitionsRepository,
    MomentumRepository,
    ProgressRepository,
    ProposalsService,
    WorkflowService,
    ProgressService,
    AssessmentsRepository,
    AssessmentsService,
  ],
  exports: [ProposalsService, WorkflowService, ProgressService, AssessmentsService],
})
export class ProposalsModule {}
