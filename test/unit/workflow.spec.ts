import { STATUSES, type Status } from '../../src/modules/proposals/workflow/statuses.js';
import { decideTransition } from '../../src/modules/proposals/workflow/workflow.js';

/**
 * The spec's transition table written out cell by cell, independently of the implementation:
 * for each `from`, the direction of every allowed `to` (revive is editor-only). Any pair not
 * listed is refused.
 */
const A = 'advance',
  R = 'regress',
  S = 'suspend',
  U = 'resume',
  C = 'close',
  V = 'revive';
const ALLOWED: Record<Status, Partial<Record<Status, string>>> = {
  floated: {
    proposed: A,
    under_discussion: A,
    drafting: A,
    adopted: A,
    implementing: A,
    implemented: A,
    suspended: S,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  proposed: {
    floated: R,
    under_discussion: A,
    drafting: A,
    adopted: A,
    implementing: A,
    implemented: A,
    suspended: S,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  under_discussion: {
    floated: R,
    proposed: R,
    drafting: A,
    adopted: A,
    implementing: A,
    implemented: A,
    suspended: S,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  drafting: {
    floated: R,
    proposed: R,
    under_discussion: R,
    adopted: A,
    implementing: A,
    implemented: A,
    suspended: S,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  adopted: {
    floated: R,
    proposed: R,
    under_discussion: R,
    drafting: R,
    implementing: A,
    implemented: A,
    suspended: S,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  implementing: {
    floated: R,
    proposed: R,
    under_discussion: R,
    drafting: R,
    adopted: R,
    implemented: A,
    suspended: S,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  suspended: {
    floated: U,
    proposed: U,
    under_discussion: U,
    drafting: U,
    adopted: U,
    implementing: U,
    rejected: C,
    withdrawn: C,
    superseded: C,
  },
  implemented: {},
  rejected: { floated: V, proposed: V },
  withdrawn: { floated: V, proposed: V },
  superseded: {},
};

const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('decideTransition', () => {
  it('covers all 121 from × to pairs', () => {
    expect(pairs).toHaveLength(121);
  });

  it.each(pairs)('%s → %s follows the table', (from, to) => {
    const expected = ALLOWED[from][to];
    const decision = decideTransition(from, to);
    if (expected === undefined) {
      expect(decision).toEqual({ allowed: false, reason: expect.any(String) });
    } else {
      expect(decision).toEqual({ allowed: true, direction: expected, role: expected === V ? 'editor' : 'staff' });
    }
  });

  it.each(STATUSES)('creation as %s is allowed only for floated and proposed', (to) => {
    const decision = decideTransition(null, to);
    if (to === 'floated' || to === 'proposed') {
      expect(decision).toEqual({ allowed: true, direction: 'advance', role: 'staff' });
    } else {
      expect(decision.allowed).toBe(false);
    }
  });
});
