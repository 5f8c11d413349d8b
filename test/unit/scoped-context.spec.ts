import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScoped, scopedRunning } from '../../src/common/context/scoped.js';

describe('scoped async-local stores', () => {
  const storage = new AsyncLocalStorage<string>();
  const other = new AsyncLocalStorage<number>();

  afterEach(() => expect(scopedRunning()).toBe(0));

  it('keeps the store through everything the work awaits, and gives its result', async () => {
    const result = await runScoped(storage, 'a', async () => {
      await sleep(5);
      const inner = await Promise.all([sleep(1).then(() => storage.getStore()), Promise.resolve(storage.getStore())]);
      setImmediate(() => undefined);
      return [storage.getStore(), ...inner];
    });
    expect(result).toEqual(['a', 'a', 'a']);
    expect(storage.getStore()).toBeUndefined();
  });

  it('keeps a store entered while another ends, and switches all off once the last ends', async () => {
    const seen: (string | number | undefined)[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = runScoped(storage, 'first', async () => {
      await firstHeld;
      seen.push(storage.getStore());
    });
    const second = runScoped(other, 2, async () => {
      await sleep(1);
      releaseFirst();
      await first;
      // The first has ended; this one is still running and must still see its store.
      await sleep(5);
      seen.push(other.getStore());
      // Nested, across the two stores.
      await runScoped(storage, 'nested', async () => {
        await sleep(1);
        seen.push(storage.getStore(), other.getStore());
      });
      seen.push(storage.getStore(), other.getStore());
    });
    expect(scopedRunning()).toBe(2);
    await second;
    expect(seen).toEqual(['first', 2, 'nested', 2, undefined, 2]);
    expect(storage.getStore()).toBeUndefined();
    expect(other.getStore()).toBeUndefined();
    // Entered again after being switched off.
    expect(await runScoped(storage, 'again', async () => (await sleep(1), storage.getStore()))).toBe('again');
  });

  it('ends the scope of work that throws or rejects, and passes the error on', async () => {
    expect(() =>
      runScoped(storage, 'sync', () => {
        throw new Error('thrown');
      }),
    ).toThrow('thrown');
    expect(scopedRunning()).toBe(0);
    await expect(
      runScoped(storage, 'async', async () => {
        await sleep(1);
        throw new Error('rejected');
      }),
    ).rejects.toThrow('rejected');
  });

  it('ends the scope of synchronous work when it returns', () => {
    expect(runScoped(storage, 'sync', () => storage.getStore())).toBe('sync');
    expect(scopedRunning()).toBe(0);
    expect(storage.getStore()).toBeUndefined();
  });
});
