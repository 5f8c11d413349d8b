import { deriveState, isOutOfOrder } from '../../src/modules/proposals/workflow/derive-state.js';
import { furthestOf } from '../../src/modules/proposals/workflow/statuses.js';

describe('deriveState', () => {
  it('takes the status and its date from the last standing transition', () => {
    expect(
      deriveState([
        { to: 'proposed', occurredOn: '2015' },
        { to: 'drafting', occurredOn: '2023-10' },
      ]),
    ).toEqual({
      status: 'drafting',
      statusSince: '2023-10',
      statusSinceCertainty: 'stated',
      statusSinceBasis: null,
      proposedOn: '2015',
      proposedOnCertainty: 'stated',
      proposedOnBasis: null,
      furthestStatus: 'drafting',
      lastFrom: null,
      lastDirection: 'advance',
    });
  });

  it('carries the certainty of the dates it takes: the status from the last, the proposal date from the first', () => {
    const state = deriveState([
      { to: 'proposed', occurredOn: '2015', occurredOnCertainty: 'approximate', occurredOnBasis: '"a decade ago"' },
      {
        to: 'drafting',
        occurredOn: '2024-11-28',
        occurredOnCertainty: 'not-after',
        occurredOnBasis: 'reported as done',
      },
    ]);
    expect(state).toMatchObject({
      proposedOn: '2015',
      proposedOnCertainty: 'approximate',
      proposedOnBasis: '"a decade ago"',
      statusSinceCertainty: 'not-after',
      statusSinceBasis: 'reported as done',
    });
  });

  it('keeps the furthest stage reached after being sent back or suspended', () => {
    const state = deriveState([
      { to: 'proposed', occurredOn: '2020' },
      { to: 'adopted', occurredOn: '2021-05' },
      { to: 'drafting', occurredOn: '2021-06-01' },
      { to: 'suspended', occurredOn: '2022' },
    ]);
    expect(state.status).toBe('suspended');
    expect(state.furthestStatus).toBe('adopted');
  });

  it('counts implemented as the furthest stage, and closing statuses as none', () => {
    expect(furthestOf('implementing', 'implemented')).toBe('implemented');
    expect(furthestOf('drafting', 'rejected')).toBe('drafting');
    expect(furthestOf('drafting', 'suspended')).toBe('drafting');
  });

  it('keeps the latest transition’s from and direction, for the report’s reasons', () => {
    const state = deriveState([
      { to: 'proposed', occurredOn: '2020', from: null, direction: 'advance' },
      { to: 'adopted', occurredOn: '2021', from: 'proposed', direction: 'advance' },
      { to: 'drafting', occurredOn: '2022', from: 'adopted', direction: 'regress' },
    ]);
    expect(state).toMatchObject({ lastFrom: 'adopted', lastDirection: 'regress' });
  });

  it('refuses an empty history', () => {
    expect(() => deriveState([])).toThrow();
  });
});

describe('isOutOfOrder', () => {
  it.each([
    ['2024-05-09', '2024-05-10', true],
    ['2024', '2024-05-10', true],
    ['2024-05', '2024-05-10', true],
    ['2024-05-10', '2024-05-10', false],
    ['2024-05-10', '2024-05', false],
    ['2024-01-01', '2024', false],
    ['2024', '2024-01-01', false],
    ['2025', '2024-12-31', false],
  ])('%s after a standing %s → out of order: %s', (occurredOn, latest, expected) => {
    expect(isOutOfOrder(occurredOn, latest)).toBe(expected);
  });
});
