import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireRole } from '../../common/auth/auth.decorators.js';
import { CurrentContext, type RequestContext } from '../../common/context/request-context.js';
import { expectedVersion, withEtag } from '../../common/http/conditional.js';
import { UuidPipe } from '../../common/http/uuid.pipe.js';
import { ApiRequestBody } from '../../common/openapi/api-body.js';
import { ApiAuthenticated, ApiProblems } from '../../common/openapi/api-problems.js';
import { Idempotent, SecretResponse } from '../idempotency/idempotency.interceptor.js';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryDto,
  DeliveryListDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookListDto,
} from './dto/webhooks.dto.js';
import { CREATE_WEBHOOK, UPDATE_WEBHOOK } from './openapi-examples.js';
import { WebhooksService } from './webhooks.service.js';

const webhookId = new UuidPipe('webhook');

@ApiTags('webhooks')
@ApiAuthenticated()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Idempotent()
  @RequireRole('admin')
  @SecretResponse('secret')
  @ApiOperation({
    operationId: 'createWebhook',
    summary: 'Register a webhook; the response carries its signing secret, shown once',
    description:
      'Admin only. Each change matching `types`, `proposal` and `tag` is POSTed to `url` as the change object, ' +
      'signed by the Standard Webhooks scheme: `webhook-id` (the change id, the same on every retry), ' +
      '`webhook-timestamp`, `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of "id.timestamp.body" keyed ' +
      'by the secret’s bytes). At least once: a network error, a 10 s timeout or a non-2xx answer is retried with ' +
      'exponential backoff for 24 hours; a 410 disables the webhook, as do 24 hours without a success. A URL that ' +
      'is not http(s), or whose host resolves to a loopback, private, link-local or unique-local address, is a 422 ' +
      '(here and at each delivery) unless WEBHOOK_ALLOW_PRIVATE=true.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiProblems(400, 422)
  @ApiRequestBody(CreateWebhookDto, CREATE_WEBHOOK)
  create(
    @Body() body: CreateWebhookDto,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentContext() context: RequestContext,
  ): Promise<CreatedWebhookDto> {
    return this.webhooks.create(body, user, context);
  }

  @Get()
  @RequireRole('admin')
  @ApiOperation({
    operationId: 'listWebhooks',
    summary: 'Every webhook',
    description: 'Admin only; secrets are never shown again.',
  })
  @ApiOkResponse({ type: WebhookListDto })
  async list(): Promise<WebhookListDto> {
    return { data: await this.webhooks.list() };
  }

  @Get(':id')
  @RequireRole('admin')
  @ApiOperation({ operationId: 'getWebhook', summary: 'One webhook', description: 'Admin only. With its ETag.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(404)
  async get(
    @Param('id', webhookId) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookDto | undefined> {
    const webhook = await this.webhooks.get(id);
    return withEtag(reply, webhook.version, webhook);
  }

  @Patch(':id')
  @RequireRole('admin')
  @ApiOperation({
    operationId: 'updateWebhook',
    summary: 'Edit a webhook: its url, filters, description, or `active` to pause and resume it',
    description:
      'Admin only. Needs If-Match with the ETag you read, or `version` in the body. A new url is checked as at registration.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; or send `version` in the body' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(400, 404, 412, 422, 428)
  @ApiRequestBody(UpdateWebhookDto, UPDATE_WEBHOOK)
  async update(
    @Param('id', webhookId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateWebhookDto,
    @CurrentContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookDto | undefined> {
    const webhook = await this.webhooks.update(id, expectedVersion(ifMatch, body.version), body, context);
    return withEtag(reply, webhook.version, webhook);
  }

  @Delete(':id')
  @RequireRole('admin')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook and its deliveries log',
    description: 'Admin only. Deliveries still queued are dropped.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  delete(@Param('id', webhookId) id: string, @CurrentContext() context: RequestContext): Promise<void> {
    return this.webhooks.delete(id, context);
  }

  @Get(':id/deliveries')
  @RequireRole('admin')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: 'The latest delivery attempts: status, response code, duration, error, next attempt',
    description: 'Admin only; the 100 latest, newest first.',
  })
  @ApiOkResponse({ type: DeliveryListDto })
  @ApiProblems(404)
  async deliveries(@Param('id', webhookId) id: string): Promise<DeliveryListDto> {
    return { data: await this.webhooks.deliveries(id) };
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @Idempotent()
  @RequireRole('admin')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retryWebhookDelivery',
    summary: 'Send a delivery’s change again, now',
    description:
      'Admin only. Needs no body. The attempt is made at once, whatever the webhook’s state, and logged; it answers the attempt.',
  })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblems(404, 409)
  retry(
    @Param('id', webhookId) id: string,
    @Param('deliveryId', new UuidPipe('delivery')) deliveryId: string,
  ): Promise<DeliveryDto> {
    return this.webhooks.retry(id, deliveryId);
  }
}
