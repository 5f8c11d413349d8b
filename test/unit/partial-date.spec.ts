import { comparePartialDates, firstDay, isPartialDate, precisionOf } from '../../src/common/dates/partial-date.js';

describe('partial dates', () => {
  it.each(['2024', '2024-02', '2024-02-29', '1992-10-05', '0001'])('accepts %s', (value) => {
    expect(isPartialDate(value)).toBe(true);
  });

  it.each([
    '',
    '24',
    '2024-2',
    '2024-13',
    '2024-00',
    '2023-02-29',
    '2024-04-31',
    '2024-01-00',
    '0000',
    '2024-01-01T00:00',
    ' 2024',
    '2024/01',
    2024,
    null,
  ])('refuses %p', (value) => {
    expect(isPartialDate(value)).toBe(false);
  });

  it('gives the first day and keeps the precision', () => {
    expect([firstDay('2024'), firstDay('2024-07'), firstDay('2024-07-04')]).toEqual([
      '2024-01-01',
      '2024-07-01',
      '2024-07-04',
    ]);
    expect([precisionOf('2024'), precisionOf('2024-07'), precisionOf('2024-07-04')]).toEqual(['year', 'month', 'day']);
  });

  it('orders by first day, then by precision', () => {
    const shuffled = ['2024-01-02', '2024-01', '2023-12-31', '2024', '2024-01-01', '2024-02'];
    expect([...shuffled].sort(comparePartialDates)).toEqual([
      '2023-12-31',
      '2024',
      '2024-01',
      '2024-01-01',
      '2024-01-02',
      '2024-02',
    ]);
  });
});
