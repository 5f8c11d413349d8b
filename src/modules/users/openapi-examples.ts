import type { ExamplesObject } from '@nestjs/swagger';

export const CREATE_USER: ExamplesObject = {
  analyst: {
    summary: 'Example: an analyst account (rename it before sending)',
    value: { name: 'example.analyst', role: 'analyst' },
  },
};

export const UPDATE_USER: ExamplesObject = {
  promote: { summary: 'Example: make the user an editor', value: { role: 'editor' } },
  deactivate: { summary: 'Example: deactivate the user (their tokens stop working)', value: { active: false } },
};
