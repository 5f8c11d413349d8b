export default async function globalTeardown(): Promise<void> {
  await globalThis.__PPT_TEST_TEARDOWN__?.();
}
