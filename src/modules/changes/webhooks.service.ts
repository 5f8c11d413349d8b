import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import type { RequestContext } from '../../common/context/request-context.js';
import { Db } from '../../common/database/db.js';
import { DomainError, notFound } from '../../common/errors/domain-error.js';
import { staleVersion } from '../../common/http/conditional.js';
import { AuditService } from '../audit/audit.service.js';
import { newWebhookSecret } from './delivery-sender.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import type {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryDto,
  UpdateWebhookDto,
  WebhookDto,
} from './dto/webhooks.dto.js';
import { webhookUrlProblem } from './ssrf-guard.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Webhooks (admin): registration with a secret shown once, edits, the deliveries log, a manual retry. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly sending: WebhookDeliveries,
    private readonly audit: AuditService,
    private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateWebhookDto, user: AuthenticatedUser, context: RequestContext): Promise<CreatedWebhookDto> {
    await this.checkUrl(input.url);
    const secret = newWebhookSecret();
    return this.db.transaction(async (manager) => {
      const id = await this.webhooks.insert(
        {
          url: input.url,
          secret,
          types: input.types ?? null,
          proposal: input.proposal ?? null,
          tag: input.tag ?? null,
          description: input.description ?? null,
          createdBy: user.id,
        },
        manager,
      );
      const webhook = (await this.webhooks.find(id, manager)) as WebhookDto;
      await this.audit.record(context, {
        action: 'create',
        entityType: 'webhook',
        entityId: id,
        before: null,
        after: webhook,
      });
      this.db.afterCommit(() => this.sending.webhooksChanged());
      return { webhook, secret };
    });
  }

  list(): Promise<WebhookDto[]> {
    return this.webhooks.list();
  }

  async get(id: string): Promise<WebhookDto> {
    const webhook = await this.webhooks.find(id);
    if (webhook === null) throw notFound('webhook', id);
    return webhook;
  }

  async update(id: string, version: number, input: UpdateWebhookDto, context: RequestContext): Promise<WebhookDto> {
    if (input.url !== undefined) await this.checkUrl(input.url);
    return this.db.transaction(async (manager) => {
      const current = await this.webhooks.find(id, manager);
      if (current === null) throw notFound('webhook', id);
      const applied = await this.webhooks.update(
        id,
        version,
        {
          url: input.url,
          types: input.types,
          proposal: input.proposal,
          tag: input.tag,
          description: input.description,
          active: input.active,
        },
        manager,
      );
      if (!applied) throw staleVersion('the webhook', current.version);
      const updated = (await this.webhooks.find(id, manager)) as WebhookDto;
      await this.audit.recordEdit(context, 'webhook', id, { ...current }, { ...updated });
      this.db.afterCommit(() => this.sending.webhooksChanged());
      return updated;
    });
  }

  async delete(id: string, context: RequestContext): Promise<void> {
    await this.db.transaction(async (manager) => {
      const current = await this.webhooks.find(id, manager);
      if (current === null || !(await this.webhooks.delete(id, manager))) throw notFound('webhook', id);
      await this.audit.record(context, {
        action: 'delete',
        entityType: 'webhook',
        entityId: id,
        before: current,
        after: null,
      });
    });
  }

  async deliveries(id: string): Promise<DeliveryDto[]> {
    await this.get(id);
    return this.webhooks.deliveries(id, 100);
  }

  /** Sends a delivery's change to the webhook again, now, whatever its state; the attempt is logged. */
  async retry(id: string, deliveryId: string): Promise<DeliveryDto> {
    await this.get(id);
    const delivery = await this.webhooks.delivery(id, deliveryId);
    if (delivery === null) throw notFound('delivery', deliveryId);
    const attempt = await this.sending.deliverNow(id, delivery.changeId, delivery.attempts + 1);
    if (attempt === null) throw new DomainError('conflict', 'the change this delivery carried no longer exists');
    return attempt;
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = await webhookUrlProblem(url, this.config.webhooks.allowPrivate);
    if (problem !== null) {
      throw new DomainError('unprocessable', problem, [{ field: 'url', message: problem }]);
    }
  }
}
