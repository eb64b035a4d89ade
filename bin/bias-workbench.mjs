#!/usr/bin/env node
// Launcher for the Node CLI. It runs the compiled CLI in dist-cli/ (bin/build-cli.mjs, run by
// `npm run build`), building it first when it is missing or older than one of its sources, so
// no TypeScript is compiled at run time. When it cannot build (no esbuild), or when
// BW_CLI_TSX=1, it runs the TypeScript sources through tsx (a dependency) as before: a fresh
// clone works after `npm ci` alone either way.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist-cli', 'main.mjs');

/** dist-cli/ exists and no source it was built from changed since. */
function compiledIsFresh() {
  if (!existsSync(compiled)) return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(join(root, 'dist-cli', 'inputs.json'), 'utf8'));
    if (!existsSync(join(root, 'src'))) return true; // shipped without sources: nothing to compare
    return inputs.every((p) => statSync(join(root, p)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

async function loadMain() {
  if (process.env.BW_CLI_TSX !== '1') {
    if (compiledIsFresh()) return import(pathToFileURL(compiled).href);
    try {
      const { buildCli } = await import('./build-cli.mjs');
      await buildCli();
      return await import(pathToFileURL(compiled).href);
    } catch {
      // no esbuild, or the sources do not compile: run them through tsx, which says why
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
