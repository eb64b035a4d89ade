import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The layers, fenced (see ARCHITECTURE in the brief): `**` patterns match an import however many
 * `../` it climbs, so `src/core/metrics/x.ts` cannot import `../../ui/App` either.
 *   core    → nothing above it; tfjs only through src/core/tf.ts (its entry, tf-entry.ts)
 *   charts  → core only (no tfjs, UI, workers, Plotly itself)
 *   ui      → core, charts, client; workers as types only; never tfjs
 *   client  → core; workers as types only
 *   workers → core (and tfjs for the backend setup); never UI or charts
 *   cli     → core; never UI, workers, charts or the browser client
 */
const UP = {
  ui: { group: ['**/ui', '**/ui/**'], message: 'Only src/ui renders: import nothing from it.' },
  client: { group: ['**/client', '**/client/**'], message: 'The worker bridges belong to the page (src/ui) only.' },
  charts: { group: ['**/charts', '**/charts/**'], message: 'Chart specs are for the page.' },
  workers: { group: ['**/workers', '**/workers/**'], message: 'Workers are reached through src/client, never imported.' },
  cli: { group: ['**/cli', '**/cli/**'], message: 'The CLI is a leaf: nothing imports it.' },
  tfjs: { group: ['@tensorflow/*'], message: 'tfjs only through src/core/tf.ts (the model adapter) and the workers\' backend setup.' },
  react: { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'React lives in src/ui only.' },
  plotly: { group: ['plotly.js*'], message: 'Plotly is loaded by src/ui/components/PlotlyChart.tsx only.' },
  comlink: { group: ['comlink'], message: 'comlink belongs to the workers and their bridges.' },
  danfo: { group: ['danfojs*'], message: 'danfojs is a test peer only.' },
  node: { group: ['node:*', 'fs', 'path', 'os', 'url', 'crypto'], message: 'src/core runs in browsers and workers too: no Node built-ins.' },
};

function fence(...rules) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns: rules }] };
}

/** `workers` allowed as `import type` only (the API type is derived from the implementation). */
const workersAsTypes = { ...UP.workers, allowTypeImports: true, message: 'Import the worker API as a type only (import type …); call it through src/client.' };

export default tseslint.config(
  { ignores: ['dist/**', 'dist-cli/**', 'tmp/**', 'node_modules/**', 'public/**', 'coverage/**', '.vitest-attachments/**', 'test/__screenshots__/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/tf-entry.ts'],
    languageOptions: { globals: {} },
    rules: fence(UP.ui, UP.client, UP.charts, UP.workers, UP.cli, UP.tfjs, UP.react, UP.plotly, UP.comlink, UP.danfo, UP.node),
  },
  {
    files: ['src/charts/**/*.ts'],
    rules: fence(UP.ui, UP.client, UP.workers, UP.cli, UP.tfjs, UP.react, UP.plotly, UP.comlink, UP.danfo),
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    ignores: ['src/ui/components/PlotlyChart.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      ...fence(workersAsTypes, UP.cli, UP.tfjs, UP.plotly, UP.danfo),
    },
  },
  {
    files: ['src/ui/components/PlotlyChart.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      ...fence(workersAsTypes, UP.cli, UP.tfjs, UP.danfo),
    },
  },
  {
    files: ['src/client/**/*.ts'],
    rules: fence(workersAsTypes, UP.ui, UP.charts, UP.cli, UP.tfjs, UP.react, UP.plotly, UP.danfo),
  },
  {
    files: ['workers/**/*.ts'],
    ignores: ['workers/backend.ts'],
    rules: fence(UP.ui, UP.client, UP.charts, UP.cli, UP.tfjs, UP.react, UP.plotly, UP.danfo),
  },
  {
    files: ['workers/backend.ts'],
    rules: fence(UP.ui, UP.client, UP.charts, UP.cli, UP.react, UP.plotly, UP.danfo),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: fence(UP.ui, UP.client, UP.charts, UP.workers, UP.react, UP.plotly, UP.comlink, UP.danfo),
  },
);
