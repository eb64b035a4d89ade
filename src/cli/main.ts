/**
 * The Node CLI over the same core the app runs in its workers. Batch audits in CI.
 *
 *   npx bias-workbench --help
 *   npx bias-workbench score --data FILE --model model.json [--manifest FILE] [--out FILE]
 *
 * Exit codes: 0 ok, 1 bad input (one-line reason on stderr), 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { createWriteStream } from 'node:fs';
import { WorkbenchError, describeProblem, toProblem } from '../core/errors';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { loadModelFromDisk } from './load-model';
import { checkManifestAgainstTable, encodeTable } from '../core/manifest';
import { createModelScorer } from '../core/model';
import { cellText } from '../core/table';

const HELP = `bias-workbench — fairness audits of lead-scoring models, offline.

Usage:
  bias-workbench score --data FILE --model model.json [--manifest FILE] [--out FILE]
      Score every row of a CSV with a TensorFlow.js Layers model. Writes the input rows
      as CSV with a "score" column (P(positive)) appended, to --out or standard output.
      The manifest defaults to model.manifest.json beside the model (docs/model-manifest.md).

  bias-workbench --help          this text
  bias-workbench --version       the version

Exit status: 0 on success, 1 on bad input (with a one-line reason), 2 on bad usage.
Nothing is sent anywhere: the CLI reads and writes local files only.`;

class UsageError extends Error {}

function need(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${key} is required`);
  return v;
}

function csvField(s: string, delimiter: string): string {
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}

async function score(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, model: { type: 'string' }, manifest: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const dataPath = need(values, 'data');
  const modelPath = need(values, 'model');
  await setupNodeBackend();
  const parsed = await readCsvFile(dataPath);
  const { model, manifest } = await loadModelFromDisk(modelPath, values.manifest);
  try {
    const { table } = parsed;
    checkManifestAgainstTable(manifest, table);
    const scorer = createModelScorer(model, manifest);
    const scores = await scorer.predict(encodeTable(table, manifest), table.nRows);
    scorer.dispose();
    const d = parsed.delimiter;
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    const cols = table.columns;
    let buf = cols.map((c) => csvField(c.name, d)).concat('score').join(d) + '\n';
    for (let r = 0; r < table.nRows; r++) {
      for (let c = 0; c < cols.length; c++) buf += csvField(cellText(cols[c], r), d) + d;
      buf += scores[r].toPrecision(7) + '\n';
      if (buf.length > 1 << 16) {
        await write(buf);
        buf = '';
      }
    }
    await write(buf);
    if (values.out) await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(() => r()));
    if (values.out) process.stderr.write(`scored ${table.nRows} rows → ${values.out}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP + '\n');
      return command ? 0 : 2;
    }
    if (command === '--version') {
      process.stdout.write('0.1.0\n');
      return 0;
    }
    if (command === 'score') return await score(rest);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String((e as { code: string }).code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`bias-workbench: ${e.message}. See bias-workbench --help.\n`);
      return 2;
    }
    const p = e instanceof WorkbenchError ? e.toProblem() : toProblem(e);
    process.stderr.write(`bias-workbench: ${describeProblem(p)}\n`);
    return 1;
  }
}
