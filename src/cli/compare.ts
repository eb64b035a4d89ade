/**
 * `bias-workbench compare`: what-if mitigation scenarios (docs/mitigations.md) on one seeded
 * held-out split shared by every scenario, as JSON or as one self-contained HTML table. The
 * numbers are the core's (`runScenario`, and `compareScenariosJson` for the JSON, which the
 * page's report uses too); this file only builds the context the way the app's worker does,
 * adds the input, split and baseline, and renders the HTML.
 *
 * `--model` takes any model the CLI opens (core's openModel: a TensorFlow.js Layers or graph
 * model, or an ONNX file): an imported baseline only scores, so its format does not matter.
 * With `--train`, the model gives only its manifest's columns: the retrained models are the
 * workbench's logistic regression or MLP on those columns, whatever the file's architecture.
 */
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import { checkManifestAgainstTable, type Manifest } from '../core/manifest';
import { validateRoles, type DatasetRoles } from '../core/roles';
import {
  baselineIndex,
  compareScenariosJson,
  COMPARE_METRIC_KEYS,
  createSplit,
  describeIntervention,
  defaultScenarioOptions,
  runScenario,
  validateScenarios,
  type CompareReport,
  type Intervention,
  type Scenario,
  type ScenarioBaseline,
  type ScenarioResult,
} from '../core/mitigate';
import { defaultTrainOptions } from '../core/train';
import { labelOf } from '../core/definitions';
import { count, exact, num, pct, signed as signedText, undefinedText } from '../core/format';
import { protectedGroups, type ReportNote } from '../core/audit';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { openModelFromDisk } from './load-model';
import { GENERATED_BY, baseRoles, collectNotes, printNotes, requiredProtected, sha256File, splitList, targetFlags, toJson, warningNotes, writeResult } from './common';
import { RANGES, UsageError, numberFlag, optChoice, optString, parseFlags } from './flags';
import { escapeHtml, reportDocument } from './report-style';

type Num = number | null;
type Pair = [Num, Num];

// the JSON is built by core (src/core/mitigate/compare-json.ts), as for the page's report
export { baselineIndex, COMPARE_METRIC_KEYS, type CompareMetricKey, type CompareReport, type CompareScenarioJson } from '../core/mitigate';

// ---------------------------------------------------------------------------------------
// inputs

const RETRAINING = new Set<Intervention['kind']>(['drop-features', 'reweigh', 'resample', 'constraint', 'relabel']);

/**
 * Checks every scenario against the baseline before anything runs, so a bad one fails at once
 * (not after the scenarios before it have trained). runScenario checks the same again.
 */
function precheck(scenarios: Scenario[], imported: boolean, features: string[], protectedCols: string[]): void {
  for (const s of scenarios) {
    s.interventions.forEach((iv, j) => {
      const where = `scenario "${s.name}" interventions[${j}]`;
      if (imported && RETRAINING.has(iv.kind)) {
        throw new WorkbenchError(
          'roles-invalid',
          `${where}: "${iv.kind}" retrains the model, and an imported model cannot be retrained here`,
          iv.kind === 'drop-features'
            ? 'Use "neutralise" on those columns to see the imported model without them, or add --train logistic|mlp to retrain the model\'s columns.'
            : 'Add --train logistic|mlp to retrain the model\'s columns with the workbench, or use "group-thresholds" or "neutralise", which work on any model.',
        );
      }
      if (iv.kind === 'drop-features' || iv.kind === 'neutralise') {
        for (const c of iv.columns) {
          if (!features.includes(c)) {
            throw new WorkbenchError(
              'roles-invalid',
              `${where}: "${c}" is not a feature of the ${imported ? 'imported model' : 'model'}${protectedCols.includes(c) ? ' (it is a protected attribute the model does not read; --include-protected adds it)' : ''}`,
              `Choose among the features: ${features.slice(0, 12).join(', ')}${features.length > 12 ? ', …' : ''}.`,
            );
          }
        }
      }
    });
  }
}

async function readScenarios(path: string): Promise<Scenario[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    throw new WorkbenchError('roles-invalid', `cannot read ${path}: ${why}`, 'Pass the path of a scenarios JSON file (docs/cli.md#compare).');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WorkbenchError('roles-invalid', `${path} is not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, 'Write a JSON list of {"name", "interventions"} (docs/cli.md#compare).');
  }
  let scenarios: Scenario[];
  try {
    scenarios = validateScenarios(json);
  } catch (e) {
    if (e instanceof WorkbenchError) throw new WorkbenchError(e.code, `${path}: ${e.message}`, e.hint);
    throw e;
  }
  if (scenarios.length === 0) throw new WorkbenchError('roles-invalid', `${path} lists no scenarios`, 'List at least one scenario, e.g. [{"name": "baseline", "interventions": []}].');
  return scenarios;
}

const OPTIONS = {
  data: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  bins: { type: 'string', multiple: true },
  weight: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  train: { type: 'string' },
  'include-protected': { type: 'boolean' },
  exclude: { type: 'string' },
  epochs: { type: 'string' },
  scenarios: { type: 'string' },
  seed: { type: 'string' },
  bootstrap: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function compareCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, OPTIONS);
  const epochsFlag = numberFlag(v, 'epochs', RANGES.count);
  const seed = numberFlag(v, 'seed', RANGES.seed, 0);
  const resamples = numberFlag(v, 'bootstrap', RANGES.countOrZero, defaultScenarioOptions.bootstrap);
  const format = optChoice(v, 'format', ['json', 'html'] as const, 'json');
  const trainKind = v.train === undefined ? undefined : optChoice(v, 'train', ['logistic', 'mlp'] as const, 'logistic');
  const dataPath = optString(v, 'data');
  if (!dataPath) throw new UsageError('--data is required');
  const scenariosPath = optString(v, 'scenarios');
  if (!scenariosPath) throw new UsageError('--scenarios is required');
  const modelPath = optString(v, 'model');
  const manifestPath = optString(v, 'manifest');
  if (!modelPath && !trainKind) throw new UsageError('one of --model or --train is required');
  if (manifestPath && !modelPath) throw new UsageError('--manifest goes with --model');
  if (!trainKind && epochsFlag !== undefined) throw new UsageError('--epochs goes with --train');
  const epochs = epochsFlag ?? defaultTrainOptions.epochs;
  const includeProtected = v['include-protected'] === true;
  if (includeProtected && (!trainKind || modelPath)) throw new UsageError('--include-protected goes with --train without --model (with --model the features are the model\'s columns)');
  const exclude = v.exclude !== undefined ? splitList(optString(v, 'exclude')!) : [];
  if (v.exclude !== undefined && (!trainKind || modelPath)) throw new UsageError('--exclude goes with --train without --model (with --model the features are the model\'s columns)');
  const attrs = requiredProtected(v);
  const protectedCols = attrs.map((a) => a.column);
  const weightCol = optString(v, 'weight');
  const out = optString(v, 'out');

  const scenarios = await readScenarios(scenariosPath);

  await setupNodeBackend();
  const loaded = modelPath ? await openModelFromDisk(modelPath, manifestPath) : null;
  try {
    const manifest: Manifest | null = loaded?.manifest ?? null;
    const { target, positive } = targetFlags(v, manifest);

    const parsed = await readCsvFile(dataPath);
    const table = parsed.table;
    const notes: ReportNote[] = [];
    const names = table.columns.map((c) => c.name);
    for (const c of exclude) {
      if (!names.includes(c)) throw new WorkbenchError('roles-invalid', `--exclude names '${c}', which is not in the table`, 'Check the column name (names are case-sensitive).');
    }
    const base = baseRoles(target, positive, attrs, weightCol);
    validateRoles(table, base);
    for (const a of attrs) protectedGroups(table, a); // too many levels without --bins → a hint

    // the features: the model's columns ("retrain the same columns"), or every other column
    let features: string[];
    if (manifest) {
      const cols = manifest.features.map((f) => f.column);
      if (trainKind) {
        features = cols.filter((c) => names.includes(c));
        const missing = cols.filter((c) => !names.includes(c));
        if (missing.length > 0) notes.push({ kind: 'model-columns', count: missing.length, message: `The model's column${missing.length === 1 ? '' : 's'} ${missing.map((c) => `'${c}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the data; the retrained models do without ${missing.length === 1 ? 'it' : 'them'}.` });
        if (features.length === 0) throw new WorkbenchError('roles-invalid', `none of the model's columns (${cols.slice(0, 8).join(', ')}) is in ${dataPath}`, 'Pass the data the model was made for.');
        if (cols.includes(target)) throw new WorkbenchError('roles-invalid', `the model reads the target column '${target}' as a feature`, 'Check --target: the model\'s target is ' + `'${manifest.target.column}'.`);
      } else {
        features = cols;
      }
    } else {
      const skip = new Set([target, ...(weightCol ? [weightCol] : []), ...exclude, ...(includeProtected ? [] : protectedCols)]);
      features = names.filter((c) => !skip.has(c));
      if (features.length === 0) throw new WorkbenchError('roles-invalid', 'no column is left to train on', 'Leave fewer columns out (--exclude), or add --include-protected.');
    }
    const roles: DatasetRoles = { ...base, features };
    // the imported model's encoding imputes missing and unlisted values; a retrained one learns its own
    const imported = manifest !== null && !trainKind;
    const manifestWarnings = imported ? checkManifestAgainstTable(manifest, table, { requireTarget: false }).warnings : [];
    notes.unshift(...collectNotes(table, { manifest: imported ? manifest : null, target: base.target, protected: attrs, csvWarnings: parsed.warnings, manifestWarnings }));
    precheck(scenarios, !trainKind, features, protectedCols);
    printNotes(notes);

    let baseline: ScenarioBaseline;
    let baselineJson: CompareReport['baseline'];
    if (trainKind) {
      baseline = { kind: 'trained', trainKind, epochs };
      baselineJson = { kind: 'trained', trainKind, epochs, features, featuresFrom: manifest ? 'model' : 'data', includeProtected, model: modelPath ?? null };
    } else {
      baseline = { kind: 'imported', scorer: loaded!.opened.scorer, manifest: loaded!.manifest };
      baselineJson = { kind: 'imported', model: modelPath!, format: loaded!.opened.format, manifest: loaded!.manifestPath, features, threshold: loaded!.manifest.threshold };
    }

    // one seeded split for every scenario, stratified by label × protected groups (as the app)
    const split = createSplit(table, base, seed);
    const protectedAttribute = attrs.length === 1 ? attrs[0] : attrs;
    const what = trainKind
      ? `${trainKind === 'mlp' ? 'an MLP' : 'a logistic regression'} trained on ${features.length} column${features.length === 1 ? '' : 's'} (${epochs} epoch${epochs === 1 ? '' : 's'})${loaded && loaded.opened.format !== 'tfjs-layers' ? ` — the workbench's model on the columns of ${basename(modelPath!)} (${loaded.opened.format}), not that model retrained` : ''}`
      : `the imported model ${basename(modelPath!)}${loaded ? ` (${loaded.opened.format})` : ''}`;
    process.stderr.write(`compare: ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, ${what}; ${split.train.length} training / ${split.test.length} held-out rows (seed ${seed})\n`);
    const results: ScenarioResult[] = [];
    for (let i = 0; i < scenarios.length; i++) {
      const s = scenarios[i];
      const r = await runScenario({ table, roles, split, baseline, seed, protectedAttribute, bootstrap: resamples }, s);
      r.artifacts.files = null; // not written; drop the weights early
      results.push(r);
      process.stderr.write(`[${i + 1}/${scenarios.length}] ${s.name}: ${num(r.timings.totalMs / 1000, 1)} s\n`);
    }

    const bi = baselineIndex(scenarios);
    const compared = compareScenariosJson(results, bi >= 0 ? scenarios[bi].name : null);
    if (bi < 0) {
      const note = warningNotes('no-baseline', ['No scenario has no interventions or is named "baseline": differencesFromBaseline are null.']);
      printNotes(note);
      notes.push(...note);
    }
    const level = results.map((r) => r.metrics.accuracy.interval?.level).find((l) => l !== undefined) ?? null;
    const report: CompareReport = {
      generatedBy: GENERATED_BY,
      input: { file: basename(dataPath), path: dataPath, sha256: await sha256File(dataPath), rows: table.nRows, target, positive, protected: attrs, weight: weightCol ?? null },
      groups: results[0].group,
      split: { seed: split.seed, train: split.train.length, test: split.test.length, testFraction: split.testFraction },
      baseline: baselineJson,
      bootstrap: { resamples, level: resamples > 0 ? level : null },
      baselineScenario: compared.baselineScenario,
      scenarios: compared.scenarios,
      pareto: compared.pareto,
      notes,
    };
    await writeResult(format === 'html' ? renderCompareHtml(report) : toJson(report), out);
    if (out) process.stderr.write(`${results.length} scenarios → ${out}\n`);
    return 0;
  } finally {
    loaded?.opened.dispose();
  }
}

// ---------------------------------------------------------------------------------------
// HTML

/** A change from the baseline scenario, under the value. */
function delta(x: Num): string {
  if (x === null) return '';
  return `<br><span class="delta">${x === 0 ? '±0' : signedText(x)}</span>`;
}

function cell(v: Num, reason: string | undefined, iv: Pair | undefined, diff: Num | undefined): string {
  if (v === null) return `<td class="undef">${escapeHtml(undefinedText(reason === 'undefined' ? undefined : reason))}</td>`;
  const ci = iv ? `<br><span class="ci">[${iv[0] === null ? '–' : exact(iv[0])}, ${iv[1] === null ? '–' : exact(iv[1])}]</span>` : '';
  return `<td class="num">${exact(v)}${ci}${diff === undefined ? '' : delta(diff)}</td>`;
}

/** One line per intervention, e.g. `constraint: demographic-parity ≤ 0.02`. */
/** The comparison as one self-contained HTML document (no scripts, no external resources). */
export function renderCompareHtml(r: CompareReport): string {
  const levels = r.groups.levels;
  const onFrontier = new Set(r.pareto);
  const b = r.baseline;
  const baselineText =
    b.kind === 'imported'
      ? `the imported model <code>${escapeHtml(b.model)}</code> (${escapeHtml(b.format)}), evaluated as it is (threshold ${exact(b.threshold)})`
      : `${b.trainKind === 'mlp' ? 'an MLP' : 'a logistic regression'} trained by the workbench for ${b.epochs} epochs on ${b.features.length} column${b.features.length === 1 ? '' : 's'} (${b.featuresFrom === 'model' ? `the columns of <code>${escapeHtml(b.model ?? '')}</code>` : 'every column but the target' + (b.includeProtected ? '' : ' and the protected ones')}): ${b.features.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}`;
  const head =
    '<tr><th>scenario</th><th>interventions</th><th>s</th>' +
    COMPARE_METRIC_KEYS.map((k) => `<th>${escapeHtml(labelOf(k))}</th>`).join('') +
    levels.map((l) => `<th>${escapeHtml(labelOf('selectionRate'))} ${escapeHtml(l)}</th>`).join('') +
    '</tr>';
  const rows = r.scenarios
    .map((s) => {
      const d = s.differencesFromBaseline && s.name !== r.baselineScenario ? s.differencesFromBaseline : null;
      const tags = (onFrontier.has(s.name) ? '<span class="tag good">Pareto</span>' : '') + (s.name === r.baselineScenario ? '<span class="tag ref">baseline</span>' : '');
      return (
        `<tr><td>${escapeHtml(s.name)}${tags}</td>` +
        `<td>${s.interventions.length === 0 ? 'none' : s.interventions.map((iv) => escapeHtml(describeIntervention(iv))).join('<br>')}</td>` +
        `<td class="num">${num(s.seconds, 1)}</td>` +
        COMPARE_METRIC_KEYS.map((k) => cell(s.metrics[k], s.undefined[k], s.intervals[k], d ? d[k] : undefined)).join('') +
        levels.map((l) => cell(s.metrics.selectionRate[l] ?? null, s.undefined[`selectionRate.${l}`], s.intervals.selectionRate?.[l], d ? (d.selectionRate[l] ?? null) : undefined)).join('') +
        '</tr>'
      );
    })
    .join('');
  const details = r.scenarios
    .map((s) => {
      const parts: string[] = [];
      if (s.constraint) {
        const c = s.constraint;
        const gaps = `training gap ${c.trainingGap === null ? 'undefined' : exact(c.trainingGap)}, held-out gap ${c.heldOutGap === null ? 'undefined' : exact(c.heldOutGap)}`;
        const bound = `${escapeHtml(c.constraint)}${c.bound !== null ? `, bound ${exact(c.bound)} (${c.met ? 'met' : 'not met'} on the training rows)` : ''}`;
        const r = c.reductions;
        parts.push(
          r
            ? `<p>Constraint ${bound}, by reductions (exponentiated gradient over weighted logistic fits): a mixture of ${r.weights.length} of its ${r.oracleCalls} weighted fits (${r.iterations} iterations, duality gap ${exact(r.gap)}, tolerance ν ${exact(r.nu)}), exported as its score with the threshold ${exact(r.threshold)} fitted on the training rows; ${gaps}.</p>`
            : `<p>Constraint ${bound}, by a penalty in training: λ = ${exact(c.lambda)}, ${gaps}; runs: ${c.attempts.map((a) => `λ ${exact(a.lambda)} → ${a.trainingGap === null ? 'undefined' : exact(a.trainingGap)}`).join(', ')}.</p>`,
        );
      }
      if (s.groupThresholds) {
        const g = s.groupThresholds;
        parts.push(
          `<p>Group thresholds (${escapeHtml(g.constraint)}): common operating point ${exact(g.x)} on the training rows; expected held-out selection rate ${levels.map((l) => `${escapeHtml(l)} ${g.expectedSelectionRate[l] === null || g.expectedSelectionRate[l] === undefined ? 'undefined' : exact(g.expectedSelectionRate[l]!)}`).join(', ')}.</p>`,
        );
      }
      if (s.notes.length > 0) parts.push(`<ul>${s.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
      return parts.length > 0 ? `<h3>${escapeHtml(s.name)}</h3>${parts.join('')}` : '';
    })
    .join('');
  const notes = r.notes.length > 0 ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n.message)}</li>`).join('')}</ul>` : '';
  const setup =
    '<h2>Setup</h2><ul>' +
    `<li>Data <code>${escapeHtml(r.input.path)}</code>: ${count(r.input.rows)} rows; target <code>${escapeHtml(r.input.target)}</code> = <code>${escapeHtml(r.input.positive)}</code>.</li>` +
    `<li>Groups: <code>${escapeHtml(r.groups.name)}</code> (${levels.map((l) => escapeHtml(l)).join(', ')}).</li>` +
    `<li>One held-out split for every scenario: ${count(r.split.train)} training rows, ${count(r.split.test)} held-out rows (${pct(r.split.testFraction, 0)}, stratified by label × group, seed ${r.split.seed}).</li>` +
    `<li>Baseline: ${baselineText}.</li>` +
    `<li>${r.bootstrap.resamples > 0 ? `Brackets: ${pct(r.bootstrap.level ?? 0.95, 0)} bootstrap percentile intervals over the held-out rows (${count(r.bootstrap.resamples)} resamples).` : 'No bootstrap intervals (--bootstrap 0).'} Small grey numbers under a value: change from the baseline scenario${r.baselineScenario ? ` “${escapeHtml(r.baselineScenario)}”` : ''}.</li>` +
    '</ul>';
  const table =
    '<h2>Scenarios</h2><p>All numbers are held-out numbers at the model\'s threshold, or at the group-threshold decisions. Differences are the largest group rate minus the smallest; 0 is parity. Pareto: no other scenario has both higher accuracy and a smaller demographic parity difference.</p>' +
    `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
  return reportDocument({
    title: `Mitigation scenarios — ${r.input.file}`,
    generatedBy: r.generatedBy,
    sha256: r.input.sha256,
    body: setup + table + (details ? `<h2>Details</h2>${details}` : '') + notes,
  });
}
