import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'tmp/**', 'node_modules/**', 'public/**', 'coverage/**', '.vitest-attachments/**', 'test/__screenshots__/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The layers: core is pure (Node + workers); it never reaches up into UI, comlink or Plotly.
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'comlink', 'plotly.js*', 'danfojs*'], message: 'src/core is pure TypeScript: no UI, comlink, Plotly or danfojs.' },
          { group: ['../ui/*', '../client/*', '../cli/*', '../../workers/*', '../charts/*'], message: 'No arrow runs back up from core.' },
        ],
      }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/charts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@tensorflow/*'], message: 'The UI never computes: tfjs lives in workers and the core model adapter.' },
        ],
      }],
    },
  },
);
