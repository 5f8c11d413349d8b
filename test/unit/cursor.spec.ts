import { DomainError } from '../../src/common/errors/domain-error.js';
import { decodeCursor, encodeCursor } from '../../src/common/pagination/cursor.js';

const filters = { resource: 'statements', q: 'charter' };

describe('cursors: signed, and their keys as strict as a query parameter', () => {
  it('gives back the keys it signed', () => {
    const keys = [0.0607927, '2025-10-29', 'b9f1c7e2-3d2a-4e8f-9a61-0c7d2e5f4a10', null, true].slice(0, 4);
    expect(decodeCursor(encodeCursor(keys, filters), filters)).toEqual(keys);
  });

  it.each([
    ['a NUL in a string', ['2025\u0000', 'x']],
    ['an unpaired surrogate', ['\ud800', 'x']],
    ['a rank beyond PostgreSQL’s real', [1e39, 'x']],
    ['a long string', ['x'.repeat(1001)]],
    ['an object', [{ $gt: '' }]],
    ['too many keys', [1, 2, 3, 4, 5]],
  ])('refuses a signed cursor whose keys hold %s', (_name, keys) => {
    const cursor = encodeCursor(keys, filters);
    expect(() => decodeCursor(cursor, filters)).toThrow(DomainError);
    expect(() => decodeCursor(cursor, filters)).toThrow(/cursor this API issued/);
  });
});
