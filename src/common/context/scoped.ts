import type { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Async-local stores that are switched off whenever no work is running inside any of them.
 *
 * On Node before 24, an enabled `AsyncLocalStorage` keeps async hooks on for the whole process:
 * every promise, of every request, pays for them, whether or not it ever reads a store. The
 * service's one store, the open transaction (see `Db`), is needed only while a transaction runs,
 * so it is entered through {@link runScoped}, which counts the work running inside any scoped store
 * and disables them all when the last one ends. Requests served while no transaction is open then
 * create their promises without the hooks (side by side, about a tenth of the Node CPU of a GET by
 * slug). Disabling only ever happens with nothing inside a store: a store lasts, as before, until
 * the work handed to `runScoped` has settled. (Who writes and in which request, for the audit log,
 * is handed along explicitly for the same reason: see `CurrentContext`.)
 */
const storages = new Set<AsyncLocalStorage<never>>();
let running = 0;

/**
 * Runs `work` with `store` as `storage`'s store, like `storage.run`. When `work` returns a promise
 * the store stays entered until it settles (what is awaited inside it sees the store); then, if
 * nothing else runs inside a scoped store, every scoped store is disabled until it is next entered.
 */
export function runScoped<S, T>(storage: AsyncLocalStorage<S>, store: S, work: () => T): T {
  storages.add(storage as AsyncLocalStorage<never>);
  running += 1;
  let result: T;
  try {
    result = storage.run(store, work);
  } catch (error) {
    leave();
    throw error;
  }
  if (!isThenable(result)) {
    leave();
    return result;
  }
  return Promise.resolve(result).finally(leave) as T;
}

/** How much work runs inside a scoped store now (for tests). */
export function scopedRunning(): number {
  return running;
}

function leave(): void {
  running -= 1;
  if (running === 0) for (const storage of storages) storage.disable();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
