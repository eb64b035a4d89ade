/**
 * What every stage of a scenario run shares: the scenario checked against its context, the
 * labels and groups resolved once, the notes the stages add, progress, and the per-stage
 * seeds. The stages themselves are in ./scenario-model, ./scenario-decisions and ./scenarios.
 */
import { WorkbenchError } from '../errors';
import { encodeTarget } from '../manifest';
import type { Manifest } from '../manifest';
import type { CategoricalColumn } from '../table';
import { invalid } from './common';
import type { ScenarioContext, ScenarioProgress } from './scenario-result';
import { findIntervention, validateScenarios } from './scenario-spec';
import type { Scenario } from './scenario-spec';
import { protectedGroups } from './scenario-split';

export function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p ? p.now() : Date.now();
}

/** A seed for one stage, derived from the context seed (so stages draw independent streams). */
export function stageSeed(seed: number, stage: number): number {
  let h = (seed ^ Math.imul(stage + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Checks a scenario against the context; throws 'roles-invalid' with a path-naming message. */
export function checkScenario(ctx: ScenarioContext, s: Scenario): void {
  validateScenarios([s]);
  const imported = ctx.baseline.kind === 'imported';
  const where = (j: number): string => `scenario "${s.name}" interventions[${j}]`;
  const features = imported ? (ctx.baseline as { manifest: Manifest }).manifest.features.map((f) => f.column) : ctx.roles.features;
  s.interventions.forEach((iv, j) => {
    if (imported && (iv.kind === 'drop-features' || iv.kind === 'reweigh' || iv.kind === 'resample' || iv.kind === 'constraint' || iv.kind === 'relabel')) {
      throw invalid(
        `${where(j)}: "${iv.kind}" retrains the model, and an imported model cannot be retrained here`,
        iv.kind === 'drop-features'
          ? 'Use "neutralise" on those columns to see the imported model without them, or train a workbench model on this data and drop them there.'
          : 'Train a workbench model on this data (baseline "trained"), or use "group-thresholds", which works on any model\'s scores.',
      );
    }
    if (iv.kind === 'relabel') {
      const outside = iv.labels.find((l) => l.row >= ctx.table.nRows);
      if (outside) {
        throw invalid(
          `${where(j)}: relabel row ${outside.row} is outside the table (${ctx.table.nRows} rows, numbered from 0)`,
          'The labels must come from the leads of this dataset: review leads of the loaded data, or load the data they were reviewed on.',
        );
      }
    }
    if (iv.kind === 'drop-features' || iv.kind === 'neutralise') {
      for (const c of iv.columns) {
        if (!features.includes(c)) {
          const isProt = ctx.roles.protected.some((p) => p.column === c);
          throw invalid(
            `${where(j)}: "${c}" is not a feature of the ${imported ? 'imported model' : 'model'}${isProt ? ' (it is a protected attribute the model does not read)' : ''}`,
            `Choose among the features: ${features.slice(0, 12).join(', ')}${features.length > 12 ? ', …' : ''}.`,
          );
        }
      }
      if (iv.kind === 'drop-features' && iv.columns.length >= features.length) {
        throw invalid(`${where(j)}: dropping ${iv.columns.length} columns leaves no feature`, 'Keep at least one feature.');
      }
    }
  });
  const drop = findIntervention(s, 'drop-features');
  const neu = findIntervention(s, 'neutralise');
  if (drop && neu) {
    const both = neu.columns.filter((c) => drop.columns.includes(c));
    if (both.length > 0) throw invalid(`scenario "${s.name}": ${both.map((c) => `"${c}"`).join(', ')} is both dropped and neutralised`, 'A dropped column is not in the retrained model; neutralise only kept columns.');
  }
}

/** What every stage reads: the context and the scenario, with the labels and groups resolved once. */
export interface ScenarioRun {
  ctx: ScenarioContext;
  scenario: Scenario;
  /** the context's seed as an unsigned 32-bit integer */
  seed: number;
  /** target label per table row (−1 = missing) */
  labels: Int8Array;
  /** the groups: one protected attribute, or the intersection of several */
  groups: CategoricalColumn;
  /** the attributes the groups are made of */
  parts: CategoricalColumn[];
  nGroups: number;
  /** notes for the reader, in the order the stages add them */
  notes: string[];
  progress: (stage: ScenarioProgress['stage'], message: string) => void;
}

/** Stage 1: the labels and the groups, and the split checked against the table. */
export function resolveRun(ctx: ScenarioContext, scenario: Scenario, onProgress?: (p: ScenarioProgress) => void): ScenarioRun {
  const { table, roles, split } = ctx;
  const labels = encodeTarget(table, roles.target);
  const { column: groups, parts } = protectedGroups(table, ctx.protectedAttribute);
  for (const rows of [split.train, split.test]) {
    for (const r of rows) {
      if (r >= table.nRows) throw new WorkbenchError('internal', `split row ${r} is outside the table (${table.nRows} rows)`);
      if (labels[r] < 0) throw new WorkbenchError('target-missing', `split row ${r} has no target value`, 'Create the split with createSplit on this table.');
    }
  }
  if (split.test.length === 0) throw invalid('the held-out split is empty', 'Create the split with a test fraction that leaves rows to evaluate on.');
  return {
    ctx,
    scenario,
    seed: ctx.seed >>> 0,
    labels,
    groups,
    parts,
    nGroups: groups.levels.length,
    notes: [],
    progress: (stage, message) => onProgress?.({ stage, message }),
  };
}

/** Label and group code of each of `rows`, in that order. */
export function labelsAndGroups(run: ScenarioRun, rows: Uint32Array): { y: Uint8Array; g: Int32Array } {
  const y = new Uint8Array(rows.length);
  const g = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    y[i] = run.labels[rows[i]];
    g[i] = run.groups.codes[rows[i]];
  }
  return { y, g };
}
