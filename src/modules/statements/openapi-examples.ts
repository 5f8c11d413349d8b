import type { ExamplesObject } from '@nestjs/swagger';

export const CREATE_STATEMENT: ExamplesObject = {
  supports: {
    summary: 'Example: a speaker supports a proposal at a conference',
    value: {
      speaker: 'alexander-trofimov',
      onBehalfOf: 'russia',
      speakerRole: 'Ambassador-at-Large, Ministry of Foreign Affairs of the Russian Federation',
      saidOn: { value: '2025-10-29', certainty: 'inferred', basis: 'Example: BelTA dateline without a year' },
      event: 'minsk-conference-2025',
      summary:
        'Example statement from the API docs: replace the speaker, date, words and source with those of the article you read.',
      language: 'en',
      source: {
        url: 'https://example.org/belta/minsk-conference-eurasian-security',
        publisher: 'Example publisher',
        publishedOn: '2025-10-29',
      },
      proposals: [{ slug: 'eurasian-charter', stance: 'supports' }],
    },
  },
};

export const UPDATE_STATEMENT: ExamplesObject = {
  summary: {
    summary: 'Example: correct the summary',
    value: { summary: 'Example: the charter should rest on the diversity of civilizations.' },
  },
};

export const RETRACT_STATEMENT: ExamplesObject = {
  misattributed: {
    summary: 'Example: misattributed words',
    value: { reason: 'Example: misattributed; the words are the moderator’s' },
  },
};
