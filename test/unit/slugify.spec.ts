import { firstFreeSlug, slugify } from '../../src/common/slugs/slugify.js';

describe('slugify', () => {
  it.each([
    ['Shanghai Cooperation Organisation', 'shanghai-cooperation-organisation'],
    ['Conférence sur l’interaction (CICA)', 'conference-sur-l-interaction-cica'],
    ['Nursultan Nazarbayev — Ақорда', 'nursultan-nazarbayev-aqorda'],
    ['Большое Евразийское партнёрство', 'bolshoe-evraziyskoe-partnerstvo'],
    ['Straße & Łódź', 'strasse-and-lodz'],
    ['  --  ', 'untitled'],
  ])('%s → %s', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  it('stays within 100 characters', () => {
    expect(slugify('word '.repeat(100)).length).toBeLessThanOrEqual(100);
  });

  it('numbers a taken slug', () => {
    expect(firstFreeSlug('sco', new Set(['sco', 'sco-2']))).toBe('sco-3');
    expect(firstFreeSlug('sco', new Set(['sco-2']))).toBe('sco');
  });
});
