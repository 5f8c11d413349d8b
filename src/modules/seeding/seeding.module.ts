import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { EventsModule } from '../events/events.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { StatementsModule } from '../statements/statements.module.js';
import { UsersModule } from '../users/users.module.js';
import { SeedingService } from './seeding.service.js';

/** The seed initiatives of `seeds/data`, loaded through the same services as the API. */
@Module({
  imports: [UsersModule, ActorsModule, EventsModule, ProposalsModule, StatementsModule],
  providers: [SeedingService],
  exports: [SeedingService],
})
export class SeedingModule {}
