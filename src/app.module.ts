import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule, type CoreOptions } from './common/core.module.js';
import { ActorsModule } from './modules/actors/actors.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { ChangesModule } from './modules/changes/changes.module.js';
import { EventsModule } from './modules/events/events.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { IdempotencyModule } from './modules/idempotency/idempotency.module.js';
import { PositionsModule } from './modules/positions/positions.module.js';
import { ProposalsModule } from './modules/proposals/proposals.module.js';
import { ReportsModule } from './modules/reports/reports.module.js';
import { SeedingModule } from './modules/seeding/seeding.module.js';
import { SourcesModule } from './modules/sources/sources.module.js';
import { StatementsModule } from './modules/statements/statements.module.js';
import { UsersModule } from './modules/users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(core: CoreOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(core),
        HealthModule,
        AuditModule,
        IdempotencyModule,
        UsersModule,
        ActorsModule,
        SourcesModule,
        ProposalsModule,
        EventsModule,
        StatementsModule,
        PositionsModule,
        ReportsModule,
        ChangesModule,
        SeedingModule,
      ],
    };
  }
}
