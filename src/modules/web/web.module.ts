import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { PositionsModule } from '../positions/positions.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { StatementsModule } from '../statements/statements.module.js';
import { UsersModule } from '../users/users.module.js';
import { PageErrors } from './page-errors.filter.js';
import { WebController } from './web.controller.js';

/** The pages for people (contract §9), on the services of the modules that own the data. */
@Module({
  imports: [UsersModule, ActorsModule, ProposalsModule, StatementsModule, PositionsModule, ReportsModule, AuditModule],
  controllers: [WebController],
  providers: [PageErrors],
})
export class WebModule {}
