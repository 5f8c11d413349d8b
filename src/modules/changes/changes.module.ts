import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { ProposalsModule } from '../proposals/proposals.module.js';
import { UsersModule } from '../users/users.module.js';
import { ChangesController } from './changes.controller.js';
import { FeedsController } from './feeds.controller.js';
import { FeedsService } from './feeds.service.js';
import { WatchesRepository } from './watches.repository.js';
import { WatchesService } from './watches.service.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Following changes (contract §7): the change feed (written by the audit module's write hook,
 * read here), watch lists, Atom feeds, and webhooks with their durable deliveries.
 */
@Module({
  imports: [ProposalsModule, ActorsModule, UsersModule],
  controllers: [ChangesController, FeedsController, WebhooksController],
  providers: [WatchesRepository, WatchesService, FeedsService, WebhooksRepository, WebhooksService, WebhookDeliveries],
  exports: [WebhookDeliveries],
})
export class ChangesModule {}
