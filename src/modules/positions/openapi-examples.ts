import type { ExamplesObject } from '@nestjs/swagger';

export const RECORD_PARTICIPATION: ExamplesObject = {
  endorsed: {
    summary: 'Example: a state endorses a proposal, the date inferred from the article',
    value: {
      actor: 'russia',
      action: 'endorsed',
      occurredOn: { value: '2025-10-29', certainty: 'inferred', basis: 'Example: BelTA dateline without a year' },
      note: 'Example act from the API docs: replace the actor, action, date and source with those of the text you read.',
      sources: [
        {
          url: 'https://example.org/belta/minsk-conference-eurasian-security',
          publisher: 'Example publisher',
          publishedOn: '2025-10-29',
        },
      ],
    },
  },
};

export const RETRACT_PARTICIPATION: ExamplesObject = {
  misread: {
    summary: 'Example: the act was misread',
    value: { reason: 'Example: the communiqué lists the state as an observer, not a signatory' },
  },
};
