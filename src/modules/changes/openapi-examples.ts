import type { ExamplesObject } from '@nestjs/swagger';

export const CREATE_WATCH: ExamplesObject = {
  proposal: { summary: 'Example: watch a proposal', value: { proposal: 'eurasian-charter' } },
  actor: { summary: 'Example: watch what an actor proposes and says', value: { actor: 'belarus' } },
  tag: { summary: 'Example: watch a tag', value: { tag: 'security' } },
};

export const CREATE_WEBHOOK: ExamplesObject = {
  transitions: {
    summary: 'Example: status changes of one proposal, to an example receiver',
    value: {
      url: 'https://hooks.example.org/tracker',
      types: ['transition.recorded', 'transition.retracted'],
      proposal: 'eurasian-charter',
      description: 'Example webhook from the API docs: point it at your receiver',
    },
  },
};

export const UPDATE_WEBHOOK: ExamplesObject = {
  pause: { summary: 'Example: pause deliveries', value: { active: false } },
};
