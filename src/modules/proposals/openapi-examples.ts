import type { ExamplesObject } from '@nestjs/swagger';

const EXAMPLE_SOURCE = {
  url: 'https://example.org/belta/minsk-conference-eurasian-security',
  publisher: 'Example publisher',
  publishedOn: '2025-10-29',
};

export const CREATE_PROPOSAL: ExamplesObject = {
  floated: {
    summary: 'Example: a proposal floated at a conference, its date inferred',
    value: {
      title: 'Example: Eurasian dialogue on digital security',
      proposedOn: { value: '2025-10-29', certainty: 'inferred', basis: 'Example: BelTA dateline without a year' },
      initialStatus: 'floated',
      proposers: [{ actor: 'belarus', role: 'proposer' }],
      forums: ['csto'],
      parent: 'eurasian-security-architecture',
      tags: ['example', 'security'],
      summary: 'Example record made from the API docs: replace every field before sending.',
      sources: [EXAMPLE_SOURCE],
    },
  },
};

export const UPDATE_PROPOSAL: ExamplesObject = {
  summary: {
    summary: 'Example: rewrite the summary',
    value: { summary: 'Example: a charter of principles for a multipolar Eurasia.' },
  },
};

export const MARK_DUPLICATE: ExamplesObject = {
  duplicate: {
    summary: 'Example: mark a proposal as a duplicate of another',
    value: {
      of: 'greater-eurasian-partnership',
      reason: 'Example: recorded twice, as "Greater Eurasian Partnership" and "Big Eurasian Partnership"',
    },
  },
};

export const UNMARK_DUPLICATE: ExamplesObject = {
  separate: {
    summary: 'Example: a separate initiative after all',
    value: { reason: 'Example: a separate initiative after all, per the 2024 summit declaration' },
  },
};

export const RECORD_TRANSITION: ExamplesObject = {
  discussed: {
    summary: 'Example: taken up for discussion, citing a source',
    value: {
      to: 'under_discussion',
      occurredOn: '2025-10-29',
      note: 'Example transition from the API docs: retract it if it was sent by mistake.',
      sources: [EXAMPLE_SOURCE],
    },
  },
};

export const REDATE_PROPOSAL: ExamplesObject = {
  approximate: {
    summary: 'Example: an approximate date ("a decade ago")',
    value: {
      proposedOn: { value: '2015', certainty: 'approximate', basis: 'Example: "a decade ago" in a 2025 article' },
      reason: 'Example: the article dates the proposal "a decade ago", not to the day',
    },
  },
};

export const RETRACT_TRANSITION: ExamplesObject = {
  wrong: { summary: 'Example: logged by mistake', value: { reason: 'Example: logged against the wrong proposal' } },
};

export const RECORD_ASSESSMENT: ExamplesObject = {
  advancing: {
    summary: 'Example: advancing, though nothing public is recorded',
    value: {
      momentum: 'advancing',
      reason: 'Example: working groups meet monthly according to the CSTO secretariat; no text is public yet.',
      sources: [{ publisher: 'Example: CSTO secretariat briefing' }],
    },
  },
};

export const WITHDRAW_ASSESSMENT: ExamplesObject = {
  outdated: {
    summary: 'Example: the assessment no longer holds',
    value: { reason: 'Example: the talks resumed; the computed momentum reads right again.' },
  },
};
