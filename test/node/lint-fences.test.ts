/**
 * The layer fences in eslint.config.js, tried on code that crosses them: each forbidden import
 * is reported, whatever number of `../` it climbs, and the allowed ones are not.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer fences', () => {
  it.each([
    ['src/core/metrics/x.ts', "import { App } from '../../ui/App';\nexport const a = App;"],
    ['src/core/metrics/deep/x.ts', "import { WorkerBridge } from '../../../client/bridge';\nexport const a = WorkerBridge;"],
    ['src/core/x.ts', "import * as tf from '@tensorflow/tfjs-core';\nexport const a = tf;"],
    ['src/core/x.ts', "import { paretoSpec } from '../charts/pareto';\nexport const a = paretoSpec;"],
    ['src/core/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['src/core/explain/x.ts', "import type { WorkbenchApi } from '../../../workers/workbench.worker';\nexport type A = WorkbenchApi;"],
    ['src/charts/x.ts', "import * as tf from '@tensorflow/tfjs-layers';\nexport const a = tf;"],
    ['src/charts/x.ts', "import { App } from '../ui/App';\nexport const a = App;"],
    ['src/ui/components/X.tsx', "import { explanationViews } from '../../../workers/explain-jobs';\nexport const a = explanationViews;"],
    ['src/ui/X.tsx', "import * as tf from '@tensorflow/tfjs-core';\nexport const a = tf;"],
    ['src/ui/X.tsx', "import Plotly from 'plotly.js-basic-dist-min';\nexport const a = Plotly;"],
    ['workers/x.ts', "import { App } from '../src/ui/App';\nexport const a = App;"],
    ['src/cli/x.ts', "import { createWorkbenchBridge } from '../client/workbench';\nexport const a = createWorkbenchBridge;"],
  ])('%s may not: %s', async (file, code) => {
    expect((await restricted(file, code)).length).toBeGreaterThan(0);
  });

  it.each([
    ['src/core/metrics/x.ts', "import { tf } from '../tf';\nexport const a = tf;"],
    ['src/ui/components/X.tsx', "import type { ExplanationViews } from '../../../workers/explain-jobs';\nexport type A = ExplanationViews;"],
    ['src/ui/X.tsx', "import { describeChart } from '../charts/summary';\nexport const a = describeChart;"],
    ['src/charts/x.ts', "import { num } from '../core/format';\nexport const a = num;"],
    ['workers/backend.ts', "import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';\nexport const a = setWasmPaths;"],
  ])('%s may: %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});
