import type { ExamplesObject } from '@nestjs/swagger';

export const UPDATE_SOURCE: ExamplesObject = {
  note: {
    summary: 'Example: add a title and a note',
    value: {
      title: 'Example: Minsk conference on Eurasian security: CSTO experience in demand',
      note: 'Example: the dateline gives no year; see the date’s basis.',
    },
  },
};
