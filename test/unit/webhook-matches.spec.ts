import { matches } from '../../src/modules/changes/webhook-deliveries.js';
import type { DispatchableChange, WebhookFilter } from '../../src/modules/changes/webhooks.repository.js';

const created = new Date('2026-12-01T12:00:00Z');
const webhook = (filters: Partial<WebhookFilter> = {}): WebhookFilter => ({
  id: 'w',
  types: null,
  proposal: null,
  tag: null,
  createdAt: created,
  ...filters,
});
const change = (fields: Partial<DispatchableChange> = {}): DispatchableChange => ({
  id: '1',
  xid: '1',
  type: 'transition.recorded',
  proposalSlugs: ['eurasian-charter'],
  tags: ['security'],
  recordedAt: new Date('2026-12-01T12:00:01Z'),
  ...fields,
});

describe('which changes a webhook takes', () => {
  it.each([
    ['no filters, recorded after it was created', webhook(), change(), true],
    ['recorded when it was created', webhook(), change({ recordedAt: created }), true],
    ['recorded before it was created', webhook(), change({ recordedAt: new Date('2026-12-01T11:59:59Z') }), false],
    ['its type', webhook({ types: ['transition.recorded'] }), change(), true],
    ['another type', webhook({ types: ['statement.recorded'] }), change(), false],
    ['its proposal', webhook({ proposal: 'eurasian-charter' }), change(), true],
    ['another proposal', webhook({ proposal: 'cica-transformation' }), change(), false],
    ['its tag', webhook({ tag: 'security' }), change(), true],
    ['another tag', webhook({ tag: 'energy' }), change(), false],
    ['its type but another tag', webhook({ types: ['transition.recorded'], tag: 'energy' }), change(), false],
  ])('%s', (_case, hook, recorded, taken) => {
    expect(matches(hook, recorded)).toBe(taken);
  });
});
