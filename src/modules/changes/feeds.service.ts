import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Feed } from 'feed';
import type { AuthenticatedUser } from '../../common/auth/auth.decorators.js';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { AuditService, type ChangeFilters } from '../audit/audit.service.js';
import type { ChangeDto } from '../audit/dto/change.dto.js';
import { UsersService } from '../users/users.service.js';
import { WatchesService } from './watches.service.js';

/** The latest changes an Atom feed shows. */
export const FEED_ENTRIES = 50;

export interface AtomFeed {
  xml: string;
  etag: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Atom feeds (RFC 4287) of the change feed, opened by a read-only feed key. */
@Injectable()
export class FeedsService {
  constructor(
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly watches: WatchesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The user a feed key belongs to; without a key, none — allowed only where `optional`. */
  async reader(key: string | undefined, optional: boolean): Promise<AuthenticatedUser | null> {
    if (key === undefined) {
      if (optional) return null;
      throw new DomainError('unauthenticated', 'A feed needs ?key= with your feed key (POST /me/feed-key issues one)');
    }
    const user = await this.users.userByFeedKey(key);
    if (user === null)
      throw new DomainError('unauthenticated', 'This feed key is unknown or was replaced by a newer one');
    return user;
  }

  /** `changes.atom`: with a key, or without one when PUBLIC_READ opens reads. */
  async changes(
    filters: Pick<ChangeFilters, 'proposal' | 'actor' | 'tag'>,
    key: string | undefined,
    origin: string,
    self: string,
  ): Promise<AtomFeed> {
    await this.reader(key, this.config.publicRead);
    const changes = await this.audit.latestChanges(filters, FEED_ENTRIES);
    const about = [filters.proposal, filters.actor, filters.tag].filter((part) => part !== undefined).join(', ');
    return this.render(`Policy-proposal tracker: changes${about ? ` (${about})` : ''}`, changes, origin, self);
  }

  /** `watches.atom`: what the key's user watches. */
  async watched(key: string | undefined, origin: string, self: string): Promise<AtomFeed> {
    const user = (await this.reader(key, false)) as AuthenticatedUser;
    const changes = await this.audit.latestChanges({ watched: await this.watches.watched(user.id) }, FEED_ENTRIES);
    return this.render(`Policy-proposal tracker: what ${user.name} watches`, changes, origin, self);
  }

  private render(title: string, changes: ChangeDto[], origin: string, self: string): AtomFeed {
    const id = `urn:ppt:feed:${createHash('sha256')
      .update(self.replace(/([?&])key=[^&]*&?/, '$1'))
      .digest('hex')
      .slice(0, 16)}`;
    const feed = new Feed({
      id,
      title,
      link: `${origin}/`,
      updated: changes[0] === undefined ? new Date(0) : new Date(changes[0].recordedAt),
      generator: 'policy-proposal-tracker',
      copyright: '',
      feedLinks: { atom: self },
    });
    for (const change of changes) {
      const by = change.by?.name ?? 'the seeds';
      feed.addItem({
        id: `urn:ppt:change:${change.id}`,
        title: escapeHtml(change.summary),
        link: pageOf(origin, change),
        date: new Date(change.recordedAt),
        content: `<p>${escapeHtml(change.summary)}</p><p>${escapeHtml(change.type)}, recorded by ${escapeHtml(by)} at ${change.recordedAt}.</p>`,
        author: [{ name: by }],
      });
    }
    const xml = feed.atom1();
    return { xml, etag: `"${createHash('sha256').update(xml).digest('base64url').slice(0, 27)}"` };
  }
}

/** The web page of what a change is about: its proposal's, or its actor's, event's, statement's. */
function pageOf(origin: string, change: ChangeDto): string {
  if (change.proposal !== null) return `${origin}/proposals/${change.proposal}`;
  const { type, id, slug } = change.subject;
  return `${origin}/${type}s/${slug ?? id}`;
}
