import type { ExamplesObject } from '@nestjs/swagger';

export const CREATE_ACTOR: ExamplesObject = {
  organization: {
    summary: 'Example: an organization (replace every field before sending)',
    value: {
      kind: 'organization',
      name: 'Example Eurasian Expert Council',
      shortName: 'EEC-EXAMPLE',
      aliases: ['Example Council of Eurasian Experts'],
      description: 'Example record made from the API docs: replace every field with the actor’s own.',
      members: ['kazakhstan', 'russia', 'belarus'],
    },
  },
  person: {
    summary: 'Example: a person, with their position and country',
    value: {
      kind: 'person',
      name: 'Example Person',
      title: 'Example: Deputy Secretary General of the CSTO',
      country: 'belarus',
    },
  },
};

export const UPDATE_ACTOR: ExamplesObject = {
  describe: {
    summary: 'Example: add a description',
    value: { description: 'Example: the organization as its charter describes it.' },
  },
};

export const MERGE_ACTOR: ExamplesObject = {
  merge: {
    summary: 'Example: merge a duplicate into the actor it repeats',
    value: { into: 'kazakhstan', reason: 'Example: recorded twice, as "Kazakhstan" and "Republic of Kazakhstan"' },
  },
};
