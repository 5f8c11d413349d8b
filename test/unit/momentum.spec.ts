import {
  classify,
  daysBefore,
  explain,
  type Momentum,
  momentumFacts,
  momentumOf,
  type MomentumStatement,
  type MomentumTransition,
} from '../../src/modules/proposals/workflow/momentum.js';

const created = (to: 'floated' | 'proposed', occurredOn: string): MomentumTransition => ({
  from: null,
  to,
  direction: 'advance',
  occurredOn,
});
const move = (
  from: MomentumTransition['to'],
  to: MomentumTransition['to'],
  direction: MomentumTransition['direction'],
  occurredOn: string,
  retracted = false,
): MomentumTransition => ({ from, to, direction, occurredOn, retracted });
const said = (
  saidOn: string,
  stance: MomentumStatement['stance'] = 'supports',
  retracted = false,
): MomentumStatement => ({
  saidOn,
  stance,
  retracted,
});

const AS_OF = '2024-07-04';
// The 365-day window before 2024-07-04 is (2023-07-05, 2024-07-04]: 2023-07-05 itself is out.

describe('momentum rules (spec section 2)', () => {
  it.each<[string, MomentumTransition[], MomentumStatement[], Momentum | null]>([
    ['not yet proposed on the date', [created('proposed', '2024-07-05')], [], null],
    ['not yet proposed: a year-only date after asOf', [created('proposed', '2025')], [], null],
    [
      '1 concluded: implemented',
      [created('proposed', '1992'), move('proposed', 'implemented', 'advance', '1992-10-05')],
      [],
      'concluded',
    ],
    [
      '1 concluded regardless of recent activity',
      [created('proposed', '2024-01'), move('proposed', 'rejected', 'close', '2024-06-01')],
      [said('2024-07-01')],
      'concluded',
    ],
    [
      '1 concluded: superseded',
      [created('floated', '2020'), move('floated', 'superseded', 'close', '2021')],
      [],
      'concluded',
    ],
    [
      '2 stalled: suspended, even right after an advance in the window',
      [
        created('proposed', '2024-01-10'),
        move('proposed', 'drafting', 'advance', '2024-03-01'),
        move('drafting', 'suspended', 'suspend', '2024-05'),
      ],
      [said('2024-06-01')],
      'stalled',
    ],
    ['3 advancing: created inside the window', [created('floated', '2024-02')], [], 'advancing'],
    [
      '3 advancing: an advance on asOf itself',
      [created('proposed', '2015'), move('proposed', 'adopted', 'advance', '2024-07-04')],
      [],
      'advancing',
    ],
    [
      '3 advancing: a resume in the window',
      [
        created('proposed', '2015'),
        move('proposed', 'suspended', 'suspend', '2016'),
        move('suspended', 'drafting', 'resume', '2024-01-15'),
      ],
      [],
      'advancing',
    ],
    [
      '3 advancing: the first day after the open lower bound',
      [created('proposed', '2015'), move('proposed', 'drafting', 'advance', '2023-07-06')],
      [],
      'advancing',
    ],
    [
      '4 not advancing: an advance exactly on the open lower bound',
      [created('proposed', '2015'), move('proposed', 'drafting', 'advance', '2023-07-05')],
      [],
      'stalled',
    ],
    [
      '4 not advancing: a year-only advance whose first day is before the window',
      [created('proposed', '2015'), move('proposed', 'drafting', 'advance', '2023')],
      [said('2024-03')],
      'active',
    ],
    [
      '3 not advancing: a regress in the window is no advance',
      [
        created('proposed', '2015'),
        move('proposed', 'drafting', 'advance', '2016'),
        move('drafting', 'proposed', 'regress', '2024-05'),
      ],
      [],
      'stalled',
    ],
    ['4 active: statements but no movement', [created('proposed', '2015')], [said('2024-06-30', 'opposes')], 'active'],
    ['4 active: a statement on asOf', [created('proposed', '2015')], [said('2024-07-04')], 'active'],
    [
      '5 stalled: a statement exactly on the lower bound',
      [created('proposed', '2015')],
      [said('2023-07-05')],
      'stalled',
    ],
    ['5 stalled: statements after asOf do not count', [created('proposed', '2015')], [said('2024-07-05')], 'stalled'],
    ['5 stalled: nothing recent', [created('proposed', '2015')], [said('2019')], 'stalled'],
    [
      'retracted statements do not count',
      [created('proposed', '2015')],
      [said('2024-06-01', 'supports', true)],
      'stalled',
    ],
    [
      'a retracted advance does not count',
      [created('proposed', '2015'), move('proposed', 'drafting', 'advance', '2024-06-01', true)],
      [],
      'stalled',
    ],
    [
      'a retracted closure gives the status before it back',
      [created('proposed', '2024-01'), move('proposed', 'withdrawn', 'close', '2024-06-01', true)],
      [],
      'advancing',
    ],
    [
      'transitions after asOf are not yet in force',
      [created('proposed', '2015'), move('proposed', 'implemented', 'advance', '2024-08')],
      [said('2024-01')],
      'active',
    ],
  ])('%s', (_name, transitions, statements, expected) => {
    expect(momentumOf(transitions, statements, AS_OF, 365)?.momentum ?? null).toBe(expected);
  });

  it('honours the window length', () => {
    const history = [created('proposed', '2015'), move('proposed', 'drafting', 'advance', '2024-06-01')];
    expect(momentumOf(history, [], AS_OF, 34)?.momentum).toBe('advancing');
    expect(momentumOf(history, [], AS_OF, 33)?.momentum).toBe('stalled');
    expect(momentumOf(history, [], AS_OF, 1)?.momentum).toBe('stalled');
  });
});

describe('momentum facts', () => {
  it('take status, furthest stage and window counts as of the date', () => {
    const facts = momentumFacts(
      [
        created('proposed', '2020'),
        move('proposed', 'adopted', 'advance', '2021'),
        move('adopted', 'drafting', 'regress', '2024-02'),
        move('drafting', 'implemented', 'advance', '2025'),
      ],
      [said('2024-03', 'supports'), said('2024-04', 'opposes'), said('2020', 'neutral'), said('2024-08')],
      AS_OF,
      365,
    );
    expect(facts).toMatchObject({
      status: 'drafting',
      statusSince: '2024-02',
      furthestStatus: 'adopted',
      advanceCount: 0,
      window: { supports: 1, opposes: 1, neutral: 0, total: 2 },
      lastStatementOn: '2024-04',
    });
  });

  it('counts a window back in whole days, across leap days', () => {
    expect(daysBefore('2024-03-01', 1)).toBe('2024-02-29');
    expect(daysBefore('2024-07-04', 365)).toBe('2023-07-05');
  });
});

describe('momentum reasons', () => {
  const reasons = (transitions: MomentumTransition[], statements: MomentumStatement[] = [], windowDays = 365) =>
    momentumOf(transitions, statements, AS_OF, windowDays)?.reasons;

  it('name the advance and its date', () => {
    expect(reasons([created('proposed', '2015'), move('drafting', 'adopted', 'advance', '2024-07-04')])).toEqual([
      'advanced from drafting to adopted on 2024-07-04',
    ]);
    expect(reasons([created('floated', '2024-05')], [said('2024-06'), said('2024-06-02', 'opposes')])).toEqual([
      'floated on 2024-05 (first recorded)',
      '2 statements in the window, 1 supporting, 1 opposing',
    ]);
  });

  it('cap the advances named and count the rest', () => {
    const many = [
      created('floated', '2024-01'),
      move('floated', 'proposed', 'advance', '2024-02'),
      move('proposed', 'under_discussion', 'advance', '2024-03'),
      move('under_discussion', 'drafting', 'advance', '2024-04'),
      move('drafting', 'adopted', 'advance', '2024-05'),
    ];
    expect(reasons(many)).toEqual([
      'advanced from drafting to adopted on 2024-05',
      'advanced from under_discussion to drafting on 2024-04',
      'advanced from proposed to under_discussion on 2024-03',
      'and 2 earlier advances in the window',
    ]);
  });

  it('say since when a proposal is suspended or stalled', () => {
    expect(reasons([created('proposed', '2015'), move('proposed', 'suspended', 'suspend', '2024-05')])).toEqual([
      'suspended since 2024-05',
    ]);
    expect(reasons([created('proposed', '2015'), move('proposed', 'drafting', 'advance', '2022-10')])).toEqual([
      'no status change since 2022-10 and no statement in the last 365 days',
    ]);
    expect(
      reasons([
        created('proposed', '2015'),
        move('proposed', 'drafting', 'advance', '2016'),
        move('drafting', 'proposed', 'regress', '2024-05'),
      ]),
    ).toEqual(['sent back from drafting to proposed on 2024-05; no advance and no statement in the last 365 days']);
  });

  it('count the statements of an active proposal by stance', () => {
    expect(
      reasons([created('proposed', '2015')], [said('2024-01'), said('2024-02'), said('2024-03', 'neutral')], 365),
    ).toEqual([
      '3 statements in the window, 2 supporting, 1 neutral, no advance in the last 365 days (proposed since 2015)',
    ]);
  });

  it('say how a proposal concluded', () => {
    expect(reasons([created('proposed', '1992'), move('proposed', 'implemented', 'advance', '1992-10-05')])).toEqual([
      'concluded: advanced from proposed to implemented on 1992-10-05',
    ]);
  });

  it('agree with classify for every class', () => {
    const facts = momentumFacts([created('proposed', '2015')], [said('2024-01')], AS_OF, 365);
    expect(facts && classify(facts)).toBe('active');
    expect(facts && explain(facts, 365)[0]).toMatch(/^1 statement in the window, 1 supporting/);
  });
});
