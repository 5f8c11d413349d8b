import {
  type PositionAct,
  type PositionRecords,
  type PositionStatement,
  positionsOf,
} from '../../src/modules/positions/positions.js';

let counter = 0;
const id = (): string => `00000000-0000-4000-8000-${String((counter += 1)).padStart(12, '0')}`;

function said(
  speaker: string,
  stance: PositionStatement['stance'],
  saidOn: string,
  more: Partial<PositionStatement> = {},
): PositionStatement {
  return {
    id: id(),
    speaker,
    onBehalfOf: null,
    stance,
    saidOn,
    saidOnCertainty: 'stated',
    saidOnBasis: null,
    recordedAt: '2026-01-01T00:00:00.000Z',
    ...more,
  };
}

function acted(
  actor: string,
  action: PositionAct['action'],
  occurredOn: string,
  more: Partial<PositionAct> = {},
): PositionAct {
  return {
    id: id(),
    actor,
    action,
    occurredOn,
    occurredOnCertainty: 'stated',
    occurredOnBasis: null,
    recordedAt: '2026-01-01T00:00:00.000Z',
    ...more,
  };
}

const none: PositionRecords = { proposers: [], statements: [], acts: [] };

/** What a case checks of one actor's position. */
interface Expected {
  stance?: string | null;
  stanceOn?: string | null;
  history?: [string, string][];
  counts?: [number, number, number];
  act?: string | null;
  role?: string | null;
}

const CASES: { name: string; records: PositionRecords; asOf: string; actor: string; expected: Expected | undefined }[] =
  (() => {
    const early = said('ru', 'supports', '2024-05-01');
    const later = said('ru', 'opposes', '2024-10-01');
    return [
      {
        name: 'a proposer with nothing said has its role and no stance',
        records: { ...none, proposers: [{ actor: 'by', role: 'proposer' }] },
        asOf: '2025-01-01',
        actor: 'by',
        expected: { role: 'proposer', stance: null, stanceOn: null, history: [], counts: [0, 0, 0], act: null },
      },
      {
        name: 'an actor with no record has no position',
        records: { ...none, statements: [said('ru', 'supports', '2024')] },
        asOf: '2025-01-01',
        actor: 'kz',
        expected: undefined,
      },
      {
        name: 'the latest statement decides the stance, since the date of the change',
        records: { ...none, statements: [later, early, said('ru', 'opposes', '2024-12-01')] },
        asOf: '2025-01-01',
        actor: 'ru',
        expected: {
          stance: 'opposes',
          stanceOn: '2024-10-01',
          history: [
            ['supports', '2024-05-01'],
            ['opposes', '2024-10-01'],
          ],
          counts: [1, 2, 0],
        },
      },
      {
        name: 'before the change, the earlier stance',
        records: { ...none, statements: [early, later] },
        asOf: '2024-09-30',
        actor: 'ru',
        expected: { stance: 'supports', stanceOn: '2024-05-01', counts: [1, 0, 0] },
      },
      {
        name: 'on the day of the change, the change counts',
        records: { ...none, statements: [early, later] },
        asOf: '2024-10-01',
        actor: 'ru',
        expected: { stance: 'opposes' },
      },
      {
        name: 'before any statement, no stance (the actor is absent)',
        records: { ...none, statements: [early] },
        asOf: '2024-04-30',
        actor: 'ru',
        expected: undefined,
      },
      {
        name: 'a retracted statement does not count',
        records: { ...none, statements: [early, { ...later, retracted: true }] },
        asOf: '2025-01-01',
        actor: 'ru',
        expected: { stance: 'supports', counts: [1, 0, 0], history: [['supports', '2024-05-01']] },
      },
      {
        name: 'a statement on behalf of a state counts for the state and for the speaker',
        records: { ...none, statements: [said('ambassador', 'supports', '2025-10', { onBehalfOf: 'ru' })] },
        asOf: '2025-12-31',
        actor: 'ru',
        expected: { stance: 'supports', stanceOn: '2025-10', counts: [1, 0, 0] },
      },
      {
        name: '…and the speaker holds the same stance',
        records: { ...none, statements: [said('ambassador', 'supports', '2025-10', { onBehalfOf: 'ru' })] },
        asOf: '2025-12-31',
        actor: 'ambassador',
        expected: { stance: 'supports', counts: [1, 0, 0] },
      },
      {
        name: 'a state’s own words and its ambassador’s make one history',
        records: {
          ...none,
          statements: [
            said('ru', 'supports', '2024-01-10'),
            said('ambassador', 'neutral', '2024-02-10', { onBehalfOf: 'ru' }),
          ],
        },
        asOf: '2025-01-01',
        actor: 'ru',
        expected: {
          stance: 'neutral',
          history: [
            ['supports', '2024-01-10'],
            ['neutral', '2024-02-10'],
          ],
          counts: [1, 0, 1],
        },
      },
      {
        name: 'two statements on one day: the later logged decides',
        records: {
          ...none,
          statements: [
            said('ru', 'opposes', '2024-03-01', { recordedAt: '2026-01-02T00:00:00.000Z' }),
            said('ru', 'supports', '2024-03-01', { recordedAt: '2026-01-01T00:00:00.000Z' }),
          ],
        },
        asOf: '2025-01-01',
        actor: 'ru',
        expected: {
          stance: 'opposes',
          history: [
            ['supports', '2024-03-01'],
            ['opposes', '2024-03-01'],
          ],
        },
      },
      {
        name: 'a year-only date counts from its first day',
        records: { ...none, statements: [said('ru', 'supports', '2024')] },
        asOf: '2024-01-01',
        actor: 'ru',
        expected: { stance: 'supports', stanceOn: '2024' },
      },
      {
        name: 'the same stance again is not a change',
        records: { ...none, statements: [said('ru', 'supports', '2024-01'), said('ru', 'supports', '2024-06')] },
        asOf: '2025-01-01',
        actor: 'ru',
        expected: { stanceOn: '2024-01', history: [['supports', '2024-01']], counts: [2, 0, 0] },
      },
      {
        name: 'the latest standing act is the participation; a retracted one is ignored',
        records: {
          ...none,
          acts: [
            acted('kz', 'signed', '2024-05'),
            acted('kz', 'ratified', '2024-11', { retracted: true }),
            acted('kz', 'joined', '2025-02'),
          ],
        },
        asOf: '2024-12-31',
        actor: 'kz',
        expected: { act: 'signed', stance: null, counts: [0, 0, 0] },
      },
      {
        name: 'an act after asOf does not count yet',
        records: { ...none, acts: [acted('kz', 'signed', '2024-05'), acted('kz', 'left', '2025-02')] },
        asOf: '2025-03-01',
        actor: 'kz',
        expected: { act: 'left' },
      },
      {
        name: 'a backer that later opposes keeps its role beside the stance',
        records: {
          proposers: [{ actor: 'ru', role: 'backer' }],
          statements: [said('ru', 'opposes', '2024-04')],
          acts: [],
        },
        asOf: '2025-01-01',
        actor: 'ru',
        expected: { role: 'backer', stance: 'opposes' },
      },
    ];
  })();

describe('positionsOf: the rules of contract §6', () => {
  it.each(CASES)('$name', ({ records, asOf, actor, expected }) => {
    const position = positionsOf(records, asOf).find((p) => p.actor === actor);
    if (expected === undefined) {
      expect(position).toBeUndefined();
      return;
    }
    expect(position).toBeDefined();
    if (position === undefined) return;
    if (expected.role !== undefined) expect(position.proposerRole).toBe(expected.role);
    if (expected.stance !== undefined) expect(position.stance).toBe(expected.stance);
    if (expected.stanceOn !== undefined) expect(position.stanceOn).toBe(expected.stanceOn);
    if (expected.history !== undefined) {
      expect(position.stanceHistory.map((change) => [change.stance, change.on])).toEqual(expected.history);
    }
    if (expected.counts !== undefined) {
      const [supports, opposes, neutral] = expected.counts;
      expect(position.statements).toEqual({ supports, opposes, neutral, total: supports + opposes + neutral });
    }
    if (expected.act !== undefined) expect(position.participation?.action ?? null).toBe(expected.act);
  });

  it('keeps as evidence every standing record the position rests on, oldest first', () => {
    const first = said('ru', 'supports', '2024-05-01');
    const second = said('ambassador', 'opposes', '2024-06-01', { onBehalfOf: 'ru' });
    const gone = said('ru', 'neutral', '2024-07-01', { retracted: true });
    const act = acted('ru', 'endorsed', '2024-06');
    const [position] = positionsOf(
      { proposers: [], statements: [second, gone, first], acts: [act] },
      '2025-01-01',
    ).filter((p) => p.actor === 'ru');
    expect(position.evidence).toEqual({ statements: [first.id, second.id], participation: [act.id] });
    expect(position.stanceHistory.map((change) => change.statement)).toEqual([first.id, second.id]);
  });

  it('carries the certainty of the dates it shows', () => {
    const inferred = said('ru', 'supports', '2025-10-29', { saidOnCertainty: 'inferred', saidOnBasis: 'dateline' });
    const act = acted('ru', 'signed', '2025-11', { occurredOnCertainty: 'not-after', occurredOnBasis: '"has signed"' });
    const [position] = positionsOf({ proposers: [], statements: [inferred], acts: [act] }, '2026-01-01');
    expect(position).toMatchObject({ stanceOnCertainty: 'inferred', stanceOnBasis: 'dateline' });
    expect(position.stanceHistory[0]).toMatchObject({ onCertainty: 'inferred', onBasis: 'dateline' });
    expect(position.participation).toMatchObject({ occurredOnCertainty: 'not-after', occurredOnBasis: '"has signed"' });
  });
});
