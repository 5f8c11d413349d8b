import { Injectable } from '@nestjs/common';

/**
 * Tells this process that a change has committed, so that what follows the feed (the webhook
 * dispatcher) looks at once instead of at its next poll. In-process only: a signal through the
 * database (`NOTIFY`) would serialize every write's commit on PostgreSQL's notify queue lock.
 */
@Injectable()
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after each commit of a change, until the returned function is called. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  committed(): void {
    for (const listener of this.listeners) listener();
  }
}
