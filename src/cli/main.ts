/**
 * The Node CLI over the same core the app runs in its workers. Batch audits in CI.
 *
 *   npx bias-workbench --help
 *   npx bias-workbench score --data FILE --model model.json [--manifest FILE] [--out FILE]
 *   npx bias-workbench audit --data FILE --target COL --positive V --protected COL ... (docs/cli.md)
 *   npx bias-workbench explain --data FILE --model model.json ...
 *   npx bias-workbench importance --data FILE --model model.json ...
 *   npx bias-workbench compare --data FILE ... --scenarios scenarios.json (docs/cli.md)
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
import { UsageError, VERSION, csvField, need } from './common';
import { auditCommand } from './audit';
import { explainCommand, importanceCommand } from './explain';
import { compareCommand } from './compare';

const HELP = `bias-workbench — fairness audits of lead-scoring models, offline.

Usage:
  bias-workbench score --data FILE --model model.json [--manifest FILE] [--out FILE]
      Score every row of a CSV with a TensorFlow.js Layers model. Writes the input rows
      as CSV with a "score" column (P(positive)) appended, to --out or standard output.
      The manifest defaults to model.manifest.json beside the model (docs/model-manifest.md).

  bias-workbench audit --data FILE --target COL --positive VALUE --protected COL[,COL...]
                       (--score COL | --prediction COL | --model model.json [--manifest FILE])
                       [--threshold T | --top-k K | --top-percent P] [--weight COL]
                       [--reference GROUP] [--intersections] [--bootstrap N] [--seed S]
                       [--confidence-level L] [--min-group-size N] [--fairlearn-compatible]
                       [--bins COL=c1,c2,...] [--format json|html] [--out FILE]
      Fairness audit: every metric overall and per group of each protected column (and of
      their combinations with --intersections), the disparities between groups, the
      four-fifths rule with its caveat, bootstrap intervals. Undefined rates are null with a
      reason, never 0 (unless --fairlearn-compatible). --score: a column of P(positive) in
      [0,1]; --prediction: a column of 0/1 decisions (may be combined with --score or
      --model for AUC and calibration); --model: score with the model. Decision: --threshold
      (default: the manifest's, else 0.5), --top-k or --top-percent. --bins cuts a numeric
      protected column (repeatable); one with more than 20 distinct values needs it.
      --format html writes one self-contained report file.

  bias-workbench explain --data FILE --model model.json [--manifest FILE]
                         [--rows N | --rows-from FILE] [--background N | --background-from FILE]
                         [--method auto|exact|permutation] [--permutations P]
                         [--output probability|logit] [--seed S] [--format json|csv] [--out FILE]
      Shapley values per manifest column for the first N rows of --data (default 100) or every
      row of --rows-from, against N background rows sampled from --data (default 100, seeded)
      or the rows of --background-from. auto = exact up to 10 columns, else permutation
      (default 10 permutations). baseValue + sum(values) = prediction for every row.

  bias-workbench importance --data FILE --model model.json [--manifest FILE] --target COL
                            --positive VALUE [--protected COL] [--bins COL=cuts] [--weight COL]
                            [--score accuracy|auc|logloss|demographic-parity|equalized-odds]
                            [--threshold T] [--repeats N] [--seed S] [--format json] [--out FILE]
      Permutation importance of each manifest column (default accuracy, 5 repeats), sorted by
      mean. The fairness scores need --protected; positive = the column creates disparity.

  bias-workbench compare --data FILE --target COL --positive VALUE --protected COL[,COL...]
                         [--bins COL=cuts] [--weight COL]
                         (--model model.json [--manifest FILE] |
                          --train logistic|mlp [--include-protected] [--exclude COL,...]
                          [--epochs N] | --model model.json --train logistic|mlp [--epochs N])
                         --scenarios scenarios.json [--seed S] [--bootstrap N]
                         [--format json|html] [--out FILE]
      What-if mitigation scenarios (drop-features, neutralise, reweigh, resample,
      group-thresholds, constraint), each evaluated on one seeded held-out split (30%,
      stratified by label × group) shared by all. --model alone: the imported model as it
      is (retraining interventions are refused). --train: a workbench model retrained per
      scenario on every column but the target, the protected and weight columns (or, with
      --model, on the model's columns). Default 20 epochs, seed 0, 200 bootstrap resamples.
      Writes held-out metrics, differences from the baseline scenario and the Pareto frontier
      (accuracy vs demographic parity difference); progress per scenario on standard error.

  bias-workbench --help          this text
  bias-workbench --version       the version

Exit status: 0 on success, 1 on bad input (with a one-line reason), 2 on bad usage.
Nothing is sent anywhere: the CLI reads and writes local files only. See docs/cli.md.`;

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
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const commands: Record<string, (args: string[]) => Promise<number>> = {
      score,
      audit: auditCommand,
      explain: explainCommand,
      importance: importanceCommand,
      compare: compareCommand,
    };
    const run = Object.prototype.hasOwnProperty.call(commands, command) ? commands[command] : undefined;
    if (run && (rest.includes('--help') || rest.includes('-h'))) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    if (run) return await run(rest);
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
