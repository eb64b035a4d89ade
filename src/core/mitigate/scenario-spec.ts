/**
 * What a scenario is: a name and a list of interventions (each kind at most once), and the
 * check that turns parsed JSON into typed scenarios with messages that name the path of each
 * problem. What the interventions do is described in ./scenarios.
 */
import { WorkbenchError } from '../errors';
import { FAIRNESS_CONSTRAINTS } from '../fairness-constraints';
import type { FairnessConstraint } from '../fairness-constraints';

export type ThresholdConstraintKind = 'demographic-parity' | 'equal-opportunity' | 'equalized-odds';

export type Intervention =
  | { kind: 'drop-features'; columns: string[] }
  | { kind: 'neutralise'; columns: string[] }
  | { kind: 'reweigh' }
  | { kind: 'resample'; method: 'oversample' | 'undersample'; proportions?: number[][] }
  | { kind: 'group-thresholds'; constraint: ThresholdConstraintKind; topK?: number }
  | { kind: 'constraint'; constraint: FairnessConstraint; bound?: number; lambda?: number; method?: ConstraintMethod; parity?: ConstraintParity }
  | { kind: 'relabel'; labels: RelabelRow[]; name?: string };

/**
 * How a training constraint is enforced: 'reductions' (exponentiated gradient over exact
 * weighted logistic fits, ./reductions; needs a bound and a logistic model) or 'penalty' (the
 * soft group-rate penalty trained with Adam, ./constraint; any model, a bound or a fixed λ).
 */
export type ConstraintMethod = 'reductions' | 'penalty';
/**
 * How a reductions constraint measures the gap: 'between-groups' (default), every pair of groups
 * within the bound (max − min, as the metric frame reports it); 'overall', each group within
 * the bound of the rate over all rows (fairlearn's DemographicParity / EqualizedOdds). The
 * overall rate lies between the groups' rates, so a between-groups gap ≤ b implies an overall
 * one ≤ b, and an overall gap ≤ b only a between-groups one ≤ 2b: 'overall' is the looser.
 */
export type ConstraintParity = 'between-groups' | 'overall';

/**
 * The method a constraint runs with: the one it names; else 'reductions' when it names a parity
 * form (a setting of reductions only); else 'penalty' when it gives a fixed λ (a setting of the
 * penalty only) or the model is an MLP (reductions fits logistic models); else 'reductions'.
 */
export function constraintMethod(iv: Extract<Intervention, { kind: 'constraint' }>, trainKind: 'logistic' | 'mlp'): ConstraintMethod {
  if (iv.method) return iv.method;
  if (iv.parity !== undefined) return 'reductions';
  return iv.lambda !== undefined || trainKind === 'mlp' ? 'penalty' : 'reductions';
}

/** One training label given by a person (e.g. a reviewed decision): call → 1, skip → 0. */
export interface RelabelRow {
  /** the table row */
  row: number;
  label: 0 | 1;
}

export interface Scenario {
  name: string;
  interventions: Intervention[];
}

export const INTERVENTION_KINDS = ['drop-features', 'neutralise', 'reweigh', 'resample', 'group-thresholds', 'constraint', 'relabel'] as const;

const THRESHOLD_CONSTRAINTS = ['demographic-parity', 'equal-opportunity', 'equalized-odds'];
const TRAINING_CONSTRAINTS: readonly string[] = FAIRNESS_CONSTRAINTS;
const HINT_SCENARIOS =
  'A scenario is {"name": "...", "interventions": [{"kind": "drop-features", "columns": [...]}, {"kind": "reweigh"}, ...]}; kinds: ' +
  INTERVENTION_KINDS.join(', ') + '.';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Checks parsed scenario JSON (an array of scenarios, or `{ "scenarios": [...] }`) and returns
 * typed copies. Throws WorkbenchError('roles-invalid') naming the path of each problem (the
 * first three), e.g. `scenarios[1].interventions[0].bound must be a number in [0, 1]`.
 * Rejects unknown fields, unknown kinds, duplicate scenario names and an intervention kind
 * listed twice in one scenario.
 */
export function validateScenarios(json: unknown): Scenario[] {
  const problems: string[] = [];
  const bad = (m: string): void => {
    problems.push(m);
  };
  let list: unknown = json;
  if (isObject(json) && 'scenarios' in json) list = json.scenarios;
  if (!Array.isArray(list)) {
    throw new WorkbenchError('roles-invalid', `scenarios must be an array of {"name", "interventions"}, not ${show(json)}`, HINT_SCENARIOS);
  }
  const out: Scenario[] = [];
  const names = new Map<string, number>();
  list.forEach((s: unknown, i: number) => {
    const at = `scenarios[${i}]`;
    if (!isObject(s)) {
      bad(`${at} must be an object {"name", "interventions"}`);
      return;
    }
    for (const k of Object.keys(s)) if (k !== 'name' && k !== 'interventions') bad(`unknown field "${at}.${k}"`);
    let name = '';
    if (typeof s.name !== 'string' || s.name.trim() === '') bad(`${at}.name must be a non-empty string`);
    else {
      name = s.name;
      const prev = names.get(name);
      if (prev !== undefined) bad(`${at}.name "${name}" repeats scenarios[${prev}].name: names must be unique`);
      else names.set(name, i);
    }
    const interventions: Intervention[] = [];
    const ivs = s.interventions === undefined ? [] : s.interventions;
    if (!Array.isArray(ivs)) bad(`${at}.interventions must be an array (empty for the baseline)`);
    else {
      const kinds = new Map<string, number>();
      ivs.forEach((iv: unknown, j: number) => {
        const p = `${at}.interventions[${j}]`;
        const parsed = parseIntervention(iv, p, bad);
        if (!parsed) return;
        const prev = kinds.get(parsed.kind);
        if (prev !== undefined) bad(`${p}.kind "${parsed.kind}" repeats ${at}.interventions[${prev}]: list each kind once per scenario`);
        else kinds.set(parsed.kind, j);
        interventions.push(parsed);
      });
    }
    out.push({ name, interventions });
  });
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new WorkbenchError('roles-invalid', `scenarios: ${problems.slice(0, 3).join('; ')}${more}`, HINT_SCENARIOS);
  }
  return out;
}

function parseIntervention(iv: unknown, p: string, bad: (m: string) => void): Intervention | null {
  if (!isObject(iv)) {
    bad(`${p} must be an object {"kind", ...}`);
    return null;
  }
  const kind = iv.kind;
  if (typeof kind !== 'string' || !(INTERVENTION_KINDS as readonly string[]).includes(kind)) {
    bad(`${p}.kind must be one of ${INTERVENTION_KINDS.map((k) => `"${k}"`).join(', ')}, not ${show(kind)}`);
    return null;
  }
  const allowed: Record<string, string[]> = {
    'drop-features': ['columns'],
    neutralise: ['columns'],
    reweigh: [],
    resample: ['method', 'proportions'],
    'group-thresholds': ['constraint', 'topK'],
    constraint: ['constraint', 'bound', 'lambda', 'method', 'parity'],
    relabel: ['labels', 'name'],
  };
  for (const k of Object.keys(iv)) if (k !== 'kind' && !allowed[kind].includes(k)) bad(`unknown field "${p}.${k}" for kind "${kind}"`);
  let ok = true;
  const fail = (m: string): void => {
    ok = false;
    bad(m);
  };
  switch (kind) {
    case 'drop-features':
    case 'neutralise': {
      const c = iv.columns;
      if (!Array.isArray(c) || c.length === 0 || !c.every((x) => typeof x === 'string' && x !== '')) {
        fail(`${p}.columns must be a non-empty array of column names`);
        return null;
      }
      if (new Set(c).size !== c.length) fail(`${p}.columns lists a column twice`);
      return ok ? { kind, columns: [...(c as string[])] } : null;
    }
    case 'reweigh':
      return { kind };
    case 'resample': {
      const m = iv.method;
      if (m !== 'oversample' && m !== 'undersample') fail(`${p}.method must be "oversample" or "undersample", not ${show(m)}`);
      let proportions: number[][] | undefined;
      if (iv.proportions !== undefined) {
        const q = iv.proportions;
        if (!Array.isArray(q) || q.length === 0 || !q.every((r) => Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0))) {
          fail(`${p}.proportions must be an array (one per group) of arrays (one share ≥ 0 per label)`);
        } else proportions = (q as number[][]).map((r) => [...r]);
      }
      if (!ok) return null;
      return { kind, method: m as 'oversample' | 'undersample', ...(proportions ? { proportions } : {}) };
    }
    case 'group-thresholds': {
      const c = iv.constraint;
      if (typeof c !== 'string' || !THRESHOLD_CONSTRAINTS.includes(c)) fail(`${p}.constraint must be one of ${THRESHOLD_CONSTRAINTS.map((x) => `"${x}"`).join(', ')}, not ${show(c)}`);
      const k = iv.topK;
      if (k !== undefined && !(typeof k === 'number' && Number.isInteger(k) && k >= 1)) fail(`${p}.topK must be a whole number ≥ 1, not ${show(k)}`);
      if (!ok) return null;
      return { kind, constraint: c as ThresholdConstraintKind, ...(k !== undefined ? { topK: k as number } : {}) };
    }
    case 'constraint': {
      const c = iv.constraint;
      if (typeof c !== 'string' || !TRAINING_CONSTRAINTS.includes(c)) fail(`${p}.constraint must be one of ${TRAINING_CONSTRAINTS.map((x) => `"${x}"`).join(', ')}, not ${show(c)}`);
      const b = iv.bound;
      if (b !== undefined && !(typeof b === 'number' && b >= 0 && b <= 1)) fail(`${p}.bound must be a number in [0, 1], not ${show(b)}`);
      const l = iv.lambda;
      if (l !== undefined && !(typeof l === 'number' && Number.isFinite(l) && l >= 0)) fail(`${p}.lambda must be a finite number ≥ 0, not ${show(l)}`);
      const m = iv.method;
      if (m !== undefined && m !== 'reductions' && m !== 'penalty') fail(`${p}.method must be "reductions" or "penalty", not ${show(m)}`);
      if (b === undefined && l === undefined) fail(`${p} needs a "bound" (the largest training gap to accept) or a "lambda" (a fixed penalty weight)`);
      else if (m === 'reductions' && b === undefined) fail(`${p}: method "reductions" needs a "bound" (the largest training gap to accept)`);
      if (m === 'reductions' && l !== undefined) fail(`${p}.lambda is a setting of the penalty; method "reductions" finds its own multipliers (leave "lambda" out, or use method "penalty")`);
      const par = iv.parity;
      if (par !== undefined && par !== 'between-groups' && par !== 'overall') fail(`${p}.parity must be "between-groups" or "overall", not ${show(par)}`);
      else if (par !== undefined && (m === 'penalty' || (m === undefined && b === undefined))) fail(`${p}.parity is a setting of method "reductions" (with a "bound"); the penalty measures the gap between groups`);
      if (!ok) return null;
      return {
        kind, constraint: c as FairnessConstraint,
        ...(b !== undefined ? { bound: b as number } : {}),
        ...(l !== undefined ? { lambda: l as number } : {}),
        ...(m !== undefined ? { method: m as ConstraintMethod } : {}),
        ...(par !== undefined ? { parity: par as ConstraintParity } : {}),
      };
    }
    case 'relabel':
      return parseRelabel(iv, p, fail) ?? null;
  }
  return null;
}

/**
 * relabel: `labels` a non-empty array of {"row": whole number ≥ 0, "label": 0 or 1}, each row
 * once; `name` (what the labels are, e.g. "reviewed overrides") a non-empty string. Reports the
 * first bad item of the list only, so a long list gives one message, not thousands.
 */
function parseRelabel(iv: Record<string, unknown>, p: string, fail: (m: string) => void): Extract<Intervention, { kind: 'relabel' }> | undefined {
  const name = iv.name;
  let ok = true;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
    fail(`${p}.name must be a non-empty string, not ${show(name)}`);
    ok = false;
  }
  const list = iv.labels;
  if (!Array.isArray(list) || list.length === 0) {
    fail(`${p}.labels must be a non-empty array of {"row", "label"} (the reviewed leads' rows and their 0/1 labels)`);
    return undefined;
  }
  const labels: RelabelRow[] = [];
  const seen = new Map<number, number>();
  for (let k = 0; k < list.length; k++) {
    const item: unknown = list[k];
    const at = `${p}.labels[${k}]`;
    const problem = relabelItemProblem(item);
    if (problem) {
      fail(`${at}${problem}`);
      return undefined;
    }
    const { row, label } = item as RelabelRow;
    const prev = seen.get(row);
    if (prev !== undefined) {
      fail(`${at}.row ${row} repeats ${p}.labels[${prev}]: give each row one label`);
      return undefined;
    }
    seen.set(row, k);
    labels.push({ row, label });
  }
  if (!ok) return undefined;
  return { kind: 'relabel', labels, ...(typeof name === 'string' ? { name } : {}) };
}

/** Why one item of relabel's `labels` is malformed, as the rest of a sentence after its path; null when it is well formed. */
function relabelItemProblem(item: unknown): string | null {
  if (!isObject(item)) return ` must be an object {"row", "label"}, not ${show(item)}`;
  for (const k of Object.keys(item)) if (k !== 'row' && k !== 'label') return ` has an unknown field "${k}" (only "row" and "label")`;
  const row = item.row;
  if (typeof row !== 'number' || !Number.isSafeInteger(row) || row < 0) return `.row must be a whole number ≥ 0 (a table row), not ${show(row)}`;
  if (item.label !== 0 && item.label !== 1) return `.label must be 0 or 1, not ${show(item.label)}`;
  return null;
}

/** The scenario's intervention of that kind, if it lists one. */
export function findIntervention<K extends Intervention['kind']>(s: Scenario, kind: K): Extract<Intervention, { kind: K }> | undefined {
  return s.interventions.find((i) => i.kind === kind) as Extract<Intervention, { kind: K }> | undefined;
}

/** The method in words, after the bound: empty for a fixed λ (only the penalty takes one). */
function constraintMethodWords(i: Extract<Intervention, { kind: 'constraint' }>): string {
  if (i.method === 'penalty') return i.bound !== undefined ? ' (penalty)' : '';
  if (i.parity === 'overall') return ' (exponentiated gradient; each group within the bound of the overall rate, fairlearn\'s form)';
  if (i.method === 'reductions') return ' (exponentiated gradient)';
  return i.lambda !== undefined ? '' : ' (exponentiated gradient; a penalty for an MLP)';
}

/**
 * An intervention in words, the same on the page, in the CLI's reports and in the impact
 * assessment: "drop zip3 and retrain", "group thresholds for equal-opportunity".
 */
export function describeIntervention(i: Intervention): string {
  switch (i.kind) {
    case 'drop-features':
      return `drop ${i.columns.join(', ')} and retrain`;
    case 'neutralise':
      return `neutralise ${i.columns.join(', ')} (no retraining)`;
    case 'reweigh':
      return 'reweigh (Kamiran & Calders) and retrain';
    case 'resample':
      return `${i.method} ${i.proportions ? `to the proportions ${JSON.stringify(i.proportions)}` : 'to equal base rates'} and retrain`;
    case 'group-thresholds':
      return `group thresholds for ${i.constraint}${i.topK !== undefined ? `, call list of ${i.topK}` : ''}`;
    case 'constraint':
      return `${i.constraint} in training, ${i.bound !== undefined ? `bound ${i.bound}` : `λ = ${i.lambda ?? 'automatic'}`}${constraintMethodWords(i)}`;
    case 'relabel':
      return `retrain with ${i.name ?? 'reviewed overrides'} (${i.labels.length} label${i.labels.length === 1 ? '' : 's'} from people)`;
  }
}
