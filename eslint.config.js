// Type-checked linting: the rules that catch bugs (floating promises, non-exhaustive switches,
// loose equality, `any`), not matters of taste, which prettier settles.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'bench/results/'] },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // A module's tables are its own: other modules call its exported service, never its
    // repositories, and name its entities only in a TypeORM relation (an entity file of their own).
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/*/entities/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+[a-z-]+/([a-z-]+/)*[a-z-]+\\.repository\\.js$',
              message: "Another module's repository: call its exported service instead.",
            },
            {
              regex: '^(\\.\\./)+[a-z-]+/entities/',
              message: "Another module's entity: only an entity file of this module may name it, in a relation.",
            },
            { regex: '^(\\.\\./)+seeds/', message: 'Production code does not import seeds/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/modules/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+seeds/', message: 'Production code does not import seeds/.' }] },
      ],
    },
  },
  {
    // Tests read loosely typed HTTP bodies (supertest types them `any`) on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
