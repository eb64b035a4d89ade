#!/usr/bin/env node
// Compiles the Node CLI (src/cli/main.ts and its explain worker) to plain JavaScript in
// dist-cli/, so the CLI starts without compiling TypeScript at run time. esbuild bundles our
// sources into one file per entry and leaves every npm package as an import (tfjs finds its
// .wasm files beside its own modules). `npm run build` runs it; bin/bias-workbench.mjs runs it
// when dist-cli/ is missing or older than a source it was built from.
//
// dist-cli/inputs.json, written last, lists those sources: the launcher compares their
// modification times with it. Files are written under temporary names and renamed into place,
// so two launchers building at once never leave a half-written file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'dist-cli');
export const ENTRIES = { main: 'src/cli/main.ts', 'explain-worker': 'src/cli/explain-worker.ts' };

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
      bundle: true,
      splitting: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, join(root, p)));
    for (const name of Object.keys(ENTRIES)) renameSync(join(tmp, `${name}.mjs`), join(outDir, `${name}.mjs`));
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
