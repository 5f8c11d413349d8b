import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { WebModule } from './modules/web/web.module.js';
import { CoreModule, type CoreOptions } from './common/core.module.js';
import { ActorsModule } from './modules/actors/actors.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { BulkModule } from './modules/bulk/bulk.module.js';
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

/** Where the JSON API lives; the probes and the pages are outside it. */
export const API_PREFIX = 'api/v1';

/** The modules whose controllers serve the JSON API, under `API_PREFIX`. */
const API_MODULES: Type[] = [
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
  BulkModule,
];

@Module({})
export class AppModule {
  static forRoot(core: CoreOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(core),
        HealthModule,
        ...API_MODULES,
        SeedingModule,
        WebModule,
        // A prefix by module, not a global one: the pages share paths with the API below it
        // (`/proposals/{slug}` is a page, `/api/v1/proposals/{slug}` its JSON).
        RouterModule.register([{ path: API_PREFIX, children: API_MODULES }]),
      ],
    };
  }
}
