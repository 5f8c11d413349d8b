import type { ExamplesObject } from '@nestjs/swagger';

export const CREATE_EVENT: ExamplesObject = {
  conference: {
    summary: 'Example: a conference known to the month',
    value: {
      name: 'Example: 4th Minsk International Conference on Eurasian Security',
      kind: 'conference',
      startsOn: {
        value: '2026-10',
        certainty: 'inferred',
        basis: 'Example: the series is held each autumn since 2023',
      },
      location: 'Minsk',
      organizers: ['csto'],
      description: 'Example record made from the API docs: replace every field before sending.',
    },
  },
};
