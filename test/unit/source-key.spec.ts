import { sourceKey } from '../../src/modules/sources/source-key.js';

const stated = (value: string) => ({ value, certainty: 'stated' as const, basis: null });

describe('sourceKey', () => {
  it('treats scheme and host case, fragments and a trailing slash as the same URL', () => {
    const keys = [
      'https://TASS.com/politics/123',
      'HTTPS://tass.com/politics/123/',
      'https://tass.com/politics/123#comments',
    ].map((url) => sourceKey({ url }));
    expect(new Set(keys).size).toBe(1);
  });

  it('keeps paths and queries apart', () => {
    expect(sourceKey({ url: 'https://tass.com/a?id=1' })).not.toBe(sourceKey({ url: 'https://tass.com/a?id=2' }));
    expect(sourceKey({ url: 'https://tass.com/A' })).not.toBe(sourceKey({ url: 'https://tass.com/a' }));
  });

  it('identifies a source without URL by publisher, title and date, ignoring case and spacing', () => {
    expect(sourceKey({ publisher: 'BelTA', title: 'Minsk  conference', publishedOn: stated('2024-10') })).toBe(
      sourceKey({ publisher: 'belta ', title: 'minsk conference', publishedOn: stated('2024-10') }),
    );
    expect(sourceKey({ publisher: 'BelTA', publishedOn: stated('2024-10') })).not.toBe(
      sourceKey({ publisher: 'BelTA', publishedOn: stated('2024-11') }),
    );
  });

  it('is the same whatever the certainty of the date', () => {
    expect(
      sourceKey({ publisher: 'TASS', publishedOn: { value: '2025-04-29', certainty: 'inferred', basis: 'dateline' } }),
    ).toBe(sourceKey({ publisher: 'TASS', publishedOn: stated('2025-04-29') }));
  });
});
