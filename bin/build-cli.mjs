#!/usr/bin/env node
// Compiles the Node CLI (src/cli/main.ts and its explain worker) to plain JavaScript in
// dist-cli/, so the CLI starts without compiling TypeScript at run time. esbuild bundles our
// sources and TensorFlow.js, minified: tfjs's CommonJS builds from node_modules take ~3× longer
// to load than the same code as one minified module (bench/shap.ts prints start-up both ways).
// The wasm backend finds its .wasm files beside the bundle (copied here); packages that load
// their own files or native code (onnxruntime-web, DuckDB) stay imports of node_modules, and
// dynamic imports become chunks loaded only when used. `npm run build` runs it;
// bin/bias-workbench.mjs runs it when dist-cli/ is missing or older than a source it was built
// from.
//
// BW_NO_MINIFY=1 keeps whitespace and names (for reading a stack trace), BW_KEEP_NAMES=1 keeps
// function and class names (esbuild's keepNames; nothing here needs them, and its wrappers cost
// the explainer a few per cent).
//
// dist-cli/inputs.json, written last, lists those sources: the launcher compares their
// modification times with it. Files are written under temporary names and renamed into place,
// so two launchers building at once never leave a half-written file.
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'dist-cli');
export const ENTRIES = { main: 'src/cli/main.ts', 'explain-worker': 'src/cli/explain-worker.ts' };
/** Left as imports: packages that find their own files next to themselves, or native ones. */
const EXTERNAL = ['onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-common', '@duckdb/*'];
/** CommonJS inside an ES module: tfjs's bundles call require('fs') and read __dirname. */
const BANNER = [
  "import { createRequire as __bwCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bwFileURLToPath } from 'node:url';",
  "import { dirname as __bwDirname } from 'node:path';",
  'const require = __bwCreateRequire(import.meta.url);',
  'const __filename = __bwFileURLToPath(import.meta.url);',
  'const __dirname = __bwDirname(__filename);',
].join('\n');
const WASM_DIR = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

/**
 * `import('@tensorflow/tfjs-converter')` (a CommonJS package) would give only a default export
 * once bundled, where Node gives named ones; a small ES module that names its exports keeps
 * them (core's loadConverter reads loadGraphModel from it).
 */
/**
 * tfjs-backend-cpu's package.json lists the files with side effects, but not the Node build
 * our import resolves to, so a bundler would drop `import '@tensorflow/tfjs-backend-cpu'` and
 * with it the cpu backend (the fallback when wasm cannot start). Mark it as having them.
 */
const keepCpuBackend = {
  name: 'keep-tfjs-backend-cpu',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-backend-cpu$/ }, async (args) => {
      if (args.pluginData?.keepCpu) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { keepCpu: true } });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path, sideEffects: true };
    });
  },
};

const converterNamedExports = {
  name: 'tfjs-converter-named-exports',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-converter$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: 'tfjs-converter', namespace: 'bw-reexport' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'bw-reexport' }, () => ({
      contents: "import c from '@tensorflow/tfjs-converter';\n" +
        'export const { GraphModel, deregisterOp, loadGraphModel, loadGraphModelSync, registerOp, version_converter } = c;',
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/** Builds dist-cli/; returns the sources it read (relative to the root). Throws when esbuild fails. */
export async function buildCli() {
  const esbuild = await import('esbuild');
  const startedAt = Date.now(); // a source saved during the build is newer than this: rebuilt next time
  const tmp = join(outDir, `.tmp-${process.pid}-${startedAt}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)])),
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      bundle: true,
      splitting: true,
      minify: process.env.BW_NO_MINIFY !== '1',
      keepNames: process.env.BW_KEEP_NAMES === '1',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: EXTERNAL,
      banner: { js: BANNER },
      plugins: [converterNamedExports, keepCpuBackend],
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
    });
    // our own sources (node_modules changes only with npm ci, which a rebuild does not watch)
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, join(root, p))).filter((p) => !p.includes('node_modules') && !p.includes(':'));
    for (const f of readdirSync(WASM_DIR)) if (f.endsWith('.wasm')) copyFileSync(join(WASM_DIR, f), join(tmp, f));
    const made = new Set(readdirSync(tmp));
    // chunks first, entries last: an entry never points at a chunk that is not there yet
    const order = [...made].sort((a, b) => Number(a.startsWith('chunk-') ? 0 : 1) - Number(b.startsWith('chunk-') ? 0 : 1));
    for (const f of order) renameSync(join(tmp, f), join(outDir, f));
    for (const f of readdirSync(outDir)) if (f.startsWith('chunk-') && !made.has(f)) rmSync(join(outDir, f), { force: true });
    const stamp = join(tmp, 'inputs.json');
    writeFileSync(stamp, JSON.stringify({ builtAt: startedAt, inputs }));
    renameSync(stamp, join(outDir, 'inputs.json'));
    return inputs;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  const inputs = await buildCli();
  process.stdout.write(`dist-cli/: ${Object.keys(ENTRIES).length} entries from ${inputs.length} sources in ${Math.round(performance.now() - t0)} ms\n`);
}
