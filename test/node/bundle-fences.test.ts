/**
 * What each browser entry loads up front, checked on its real import graph: the page's first
 * screen and the project worker never run a model, so TensorFlow.js (and onnxruntime-web) must
 * not be in their static imports; the audit worker loads onnxruntime-web and the graph-model
 * converter only through dynamic imports. A barrel import (`core/mitigate`, `core/simulate`)
 * reaches tfjs through training, which is how the first screen once carried a copy of tfjs.
 *
 * esbuild (the CLI's bundler) resolves the graph; only static imports are followed.
 */
import { describe, expect, it } from 'vitest';
import { build, type Metafile } from 'esbuild';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** The files an entry loads before any dynamic import, as paths relative to the repo root. */
async function staticClosure(entry: string): Promise<string[]> {
  const r = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    format: 'esm',
    outdir: 'out',
    platform: 'browser',
    logLevel: 'silent',
    loader: { '.css': 'empty', '.wasm': 'empty' },
    external: ['*?url', '*?worker', '*?worker&url', 'virtual:*'],
  });
  const inputs: Metafile['inputs'] = r.metafile!.inputs;
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const imp of inputs[file]?.imports ?? []) {
      if (imp.kind === 'dynamic-import' || imp.external || seen.has(imp.path)) continue;
      seen.add(imp.path);
      queue.push(imp.path);
    }
  }
  return [...seen];
}

const TFJS = /(^|\/)src\/core\/tf-entry\.ts$|node_modules\/@tensorflow\//;
const ORT = /node_modules\/onnxruntime-(web|common)\//;

describe('bundle fences', () => {
  it('the first screen loads neither TensorFlow.js nor onnxruntime-web', async () => {
    const files = await staticClosure('src/ui/main.tsx');
    expect(files.length).toBeGreaterThan(50); // the graph was really walked
    expect(files.filter((f) => TFJS.test(f))).toEqual([]);
    expect(files.filter((f) => ORT.test(f))).toEqual([]);
  }, 60_000);

  it('the project worker loads no TensorFlow.js', async () => {
    const files = await staticClosure('workers/project.worker.ts');
    expect(files.some((f) => f.includes('src/core/project/'))).toBe(true);
    expect(files.filter((f) => TFJS.test(f))).toEqual([]);
  }, 60_000);

  it('the audit worker loads tfjs up front, onnxruntime-web and the graph converter only on demand', async () => {
    const files = await staticClosure('workers/workbench.worker.ts');
    expect(files.some((f) => TFJS.test(f))).toBe(true);
    expect(files.filter((f) => ORT.test(f))).toEqual([]);
    expect(files.filter((f) => f.includes('@tensorflow/tfjs-converter'))).toEqual([]);
  }, 60_000);
});
