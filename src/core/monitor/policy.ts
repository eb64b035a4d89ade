/**
 * The committee's policy (`bias-workbench.policy/1`): thresholds on the audit, on drift and on
 * sample size, each with the action to take when it breaks. Validated like the manifest (the
 * format first and alone; every problem named by its path; unknown keys refused with the
 * nearest known one; `x-…` and `_…` keys ignored), then evaluated against one monitoring run.
 *
 * Rule kinds (exactly one kind key per rule; each has `action` and an optional `name`):
 * - `{"metric": K, "attribute"?: A, "group"?: G, "min"?: x, "max"?: y}` — K a disparity key of
 *   the audit JSON (`demographicParityDifference`, `disparateImpact`, …; needs `attribute`),
 *   or a group metric (`selectionRate`, `truePositiveRate`, …): without `attribute` the
 *   overall value, with `attribute` and `group` that group, with `attribute` alone every
 *   group at or above the minimum group size (each must hold; the worst is reported).
 * - `{"drift": M, "column": C | "*", "min"?, "max"?}` — M one of psi, jensenShannon,
 *   wasserstein, ksPValue, chiSquarePValue; `*` (the default) = every column that has M.
 * - `{"scoreDrift": M, "min"?, "max"?}` — the same on the model's scores.
 * - `{"selectionRateChange": A, "max": y}` — max over A's groups of |current − reference|
 *   selection rate (groups of either side).
 * - `{"minRows": N}` — the current data has at least N rows;
 *   `{"minGroupRows": N, "attribute": A}` — every group of A has at least N rows.
 *
 * Verdict: the strongest action (review < retrain < offline) among broken rules, 'ok' when
 * none breaks. A rule whose value does not exist (a rate with an empty denominator, an
 * attribute or column the run does not have, no scores) is not passed in silence: it is
 * listed as `undetermined` and counts as the policy's `onUndefined` action (default
 * 'review'; set it to 'ok' to let such rules pass).
 */
import { WorkbenchError } from '../errors';
import { DISPARITY_KEYS, type AuditReport, type Num } from '../audit';
import { RATE_KEYS } from '../metrics';
import { isExtensionKey, isObject, show, suggest } from '../manifest/json-checks';
import { DRIFT_DEFINITIONS, DRIFT_MEASURES, type DriftMeasure } from '../definitions';
import type { ColumnDrift, SelectionRateDrift } from './drift';

export const POLICY_FORMAT = 'bias-workbench.policy/1';
export const ACTIONS = ['review', 'retrain', 'offline'] as const;
export type PolicyAction = (typeof ACTIONS)[number];
export type Verdict = 'ok' | PolicyAction;
const RANK: Record<Verdict, number> = { ok: 0, review: 1, retrain: 2, offline: 3 };

const HINT = 'See docs/monitoring.md for the policy format.';
const GROUP_METRICS = new Set<string>(RATE_KEYS);
const DISPARITIES = new Set<string>([...DISPARITY_KEYS, 'betweenGroupTheilIndex']);
const MEASURES = new Set<string>(DRIFT_MEASURES);

interface Bounds {
  min?: number;
  max?: number;
}
interface RuleBase extends Bounds {
  action: PolicyAction;
  name?: string;
}
export type PolicyRule =
  | (RuleBase & { kind: 'metric'; metric: string; attribute?: string; group?: string })
  | (RuleBase & { kind: 'drift'; drift: DriftMeasure; column: string })
  | (RuleBase & { kind: 'scoreDrift'; scoreDrift: DriftMeasure })
  | (RuleBase & { kind: 'selectionRateChange'; selectionRateChange: string })
  | (RuleBase & { kind: 'minRows'; minRows: number })
  | (RuleBase & { kind: 'minGroupRows'; minGroupRows: number; attribute: string });

export interface Policy {
  format: typeof POLICY_FORMAT;
  name?: string;
  description?: string;
  onUndefined: Verdict;
  rules: PolicyRule[];
}

// ---------------------------------------------------------------------------------------
// validation

const TOP_KEYS = new Set(['format', 'name', 'description', 'onUndefined', 'rules']);
const KIND_KEYS = ['metric', 'drift', 'scoreDrift', 'selectionRateChange', 'minRows', 'minGroupRows'] as const;
const RULE_KEYS: Record<(typeof KIND_KEYS)[number], Set<string>> = {
  metric: new Set(['metric', 'attribute', 'group', 'min', 'max', 'action', 'name']),
  drift: new Set(['drift', 'column', 'min', 'max', 'action', 'name']),
  scoreDrift: new Set(['scoreDrift', 'min', 'max', 'action', 'name']),
  selectionRateChange: new Set(['selectionRateChange', 'max', 'action', 'name']),
  minRows: new Set(['minRows', 'action', 'name']),
  minGroupRows: new Set(['minGroupRows', 'attribute', 'action', 'name']),
};
const ALL_RULE_KEYS = new Set(Object.values(RULE_KEYS).flatMap((s) => [...s]));

type Bad = (problem: string) => void;

function optText(r: Record<string, unknown>, key: string, path: string, bad: Bad): string | undefined {
  const v = r[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    bad(`${path}.${key} must be a non-empty string, not ${show(v)}`);
    return undefined;
  }
  return v;
}

function readBounds(r: Record<string, unknown>, path: string, bad: Bad, required: boolean): Bounds {
  const out: Bounds = {};
  for (const k of ['min', 'max'] as const) {
    const v = r[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${path}.${k} must be a number, not ${show(v)}`);
    else out[k] = v;
  }
  if (required && out.min === undefined && out.max === undefined && r.min === undefined && r.max === undefined) bad(`${path} needs a bound: "min", "max" or both`);
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) bad(`${path}: min ${out.min} is above max ${out.max}`);
  return out;
}

function readAction(r: Record<string, unknown>, path: string, bad: Bad): PolicyAction {
  const a = r.action;
  if ((ACTIONS as readonly unknown[]).includes(a)) return a as PolicyAction;
  bad(a === undefined ? `${path}.action is required: one of ${ACTIONS.join(', ')}` : `${path}.action must be one of ${ACTIONS.join(', ')}, not ${show(a)}${typeof a === 'string' ? suggest(a, new Set(ACTIONS)) : ''}`);
  return 'review';
}

function readCount(v: unknown, path: string, bad: Bad): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  bad(`${path} must be a whole number ≥ 0, not ${show(v)}`);
  return 0;
}

function readMeasure(v: unknown, path: string, bad: Bad): DriftMeasure {
  if (typeof v === 'string' && MEASURES.has(v)) return v as DriftMeasure;
  bad(`${path} must be one of ${DRIFT_MEASURES.join(', ')}, not ${show(v)}${typeof v === 'string' ? suggest(v, MEASURES) : ''}`);
  return 'psi';
}

/** One rule: its kind from its kind key, then that kind's fields. */
function readRule(raw: unknown, path: string, bad: Bad): PolicyRule | null {
  if (!isObject(raw)) {
    bad(`${path} must be an object, not ${show(raw)}`);
    return null;
  }
  const kinds = KIND_KEYS.filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) {
    bad(kinds.length === 0 ? `${path} needs one of ${KIND_KEYS.map((k) => `"${k}"`).join(', ')}` : `${path} has ${kinds.map((k) => `"${k}"`).join(' and ')}: give one kind per rule`);
    for (const k of Object.keys(raw)) if (!isExtensionKey(k) && !ALL_RULE_KEYS.has(k)) bad(`${path}.${k} is not a rule field${suggest(k, ALL_RULE_KEYS)}`);
    return null;
  }
  const kind = kinds[0];
  for (const k of Object.keys(raw)) if (!isExtensionKey(k) && !RULE_KEYS[kind].has(k)) bad(`${path}.${k} is not a field of a "${kind}" rule${suggest(k, RULE_KEYS[kind])}`);
  const action = readAction(raw, path, bad);
  const name = optText(raw, 'name', path, bad);
  const base = { action, ...(name ? { name } : {}) };
  switch (kind) {
    case 'metric': {
      const m = raw.metric;
      const attribute = optText(raw, 'attribute', path, bad);
      const group = optText(raw, 'group', path, bad);
      if (typeof m !== 'string' || !(GROUP_METRICS.has(m) || DISPARITIES.has(m))) {
        bad(`${path}.metric ${show(m)} is not an audit metric or disparity${typeof m === 'string' ? suggest(m, new Set([...GROUP_METRICS, ...DISPARITIES])) : ''}`);
      } else if (DISPARITIES.has(m) && !attribute) bad(`${path}: the disparity "${m}" needs an "attribute"`);
      else if (DISPARITIES.has(m) && group) bad(`${path}: the disparity "${m}" is between groups; leave out "group"`);
      if (group && !attribute) bad(`${path}.group needs an "attribute"`);
      return { kind, metric: String(m), ...(attribute ? { attribute } : {}), ...(group ? { group } : {}), ...readBounds(raw, path, bad, true), ...base };
    }
    case 'drift': {
      const column = raw.column === undefined ? '*' : optText(raw, 'column', path, bad) ?? '*';
      return { kind, drift: readMeasure(raw.drift, `${path}.drift`, bad), column, ...readBounds(raw, path, bad, true), ...base };
    }
    case 'scoreDrift':
      return { kind, scoreDrift: readMeasure(raw.scoreDrift, `${path}.scoreDrift`, bad), ...readBounds(raw, path, bad, true), ...base };
    case 'selectionRateChange': {
      const attribute = optText(raw, 'selectionRateChange', path, bad) ?? '';
      return { kind, selectionRateChange: attribute, ...readBounds(raw, path, bad, true), ...base };
    }
    case 'minRows':
      return { kind, minRows: readCount(raw.minRows, `${path}.minRows`, bad), ...base };
    case 'minGroupRows': {
      const attribute = optText(raw, 'attribute', path, bad);
      if (!attribute) bad(`${path} needs an "attribute" (the groups to count)`);
      return { kind, minGroupRows: readCount(raw.minGroupRows, `${path}.minGroupRows`, bad), attribute: attribute ?? '', ...base };
    }
  }
}

/**
 * Checks a parsed policy file and returns it normalised (`column` defaulted to "*",
 * `onUndefined` to 'review'). Throws WorkbenchError('policy-invalid') naming the path of each
 * problem (the first three), e.g. `rules[1].action must be one of review, retrain, offline`.
 */
export function validatePolicy(json: unknown): Policy {
  if (!isObject(json)) throw new WorkbenchError('policy-invalid', `A policy file must be a JSON object, not ${show(json)}.`, HINT);
  if (json.format !== POLICY_FORMAT) throw new WorkbenchError('policy-invalid', `The policy's format must be "${POLICY_FORMAT}", not ${show(json.format)}.`, HINT);
  const problems: string[] = [];
  const bad: Bad = (p) => problems.push(p);
  for (const k of Object.keys(json)) if (!isExtensionKey(k) && !TOP_KEYS.has(k)) bad(`${k} is not a policy field${suggest(k, TOP_KEYS)}`);
  const name = optText(json, 'name', 'policy', bad);
  const description = optText(json, 'description', 'policy', bad);
  let onUndefined: Verdict = 'review';
  if (json.onUndefined !== undefined) {
    if (json.onUndefined === 'ok' || (ACTIONS as readonly unknown[]).includes(json.onUndefined)) onUndefined = json.onUndefined as Verdict;
    else bad(`onUndefined must be one of ok, ${ACTIONS.join(', ')}, not ${show(json.onUndefined)}`);
  }
  const rules: PolicyRule[] = [];
  if (!Array.isArray(json.rules) || json.rules.length === 0) bad('rules must be a non-empty array of rules');
  else json.rules.forEach((r, i) => {
    const rule = readRule(r, `rules[${i}]`, bad);
    if (rule) rules.push(rule);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).join('; ');
    throw new WorkbenchError('policy-invalid', `The policy is not valid: ${shown}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}.`, HINT);
  }
  return { format: POLICY_FORMAT, ...(name ? { name } : {}), ...(description ? { description } : {}), onUndefined, rules };
}

// ---------------------------------------------------------------------------------------
// evaluation

/** What a policy is evaluated against: one monitoring run's current audit and drift. */
export interface PolicyContext {
  /** the current data's audit (null when it could not run: no outcomes) */
  audit: AuditReport | null;
  /** current rows */
  rows: number;
  drift: { columns: ColumnDrift[]; score: ColumnDrift | null };
  selectionRates: SelectionRateDrift[];
  /** why the audit is missing, for the rules that need it */
  auditProblem?: string;
}

export interface RuleResult {
  /** the rule in words, e.g. "demographicParityDifference of town_size ≤ 0.1" */
  rule: string;
  index: number;
  /** the value judged (the worst one when several are checked); null when it does not exist */
  value: Num;
  bound: Bounds;
  broken: boolean;
  /** the value does not exist: the rule counts as the policy's onUndefined action */
  undetermined: boolean;
  action: PolicyAction;
  /** where the value comes from, and every value that breaks the bound */
  evidence: string;
}

export interface PolicyResult {
  verdict: Verdict;
  rules: RuleResult[];
}

/** One value judged: its label (group, column) and value. */
interface Reading {
  label: string;
  value: Num;
  why?: string;
}

const breaks = (v: number, b: Bounds): boolean => (b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max);

function boundText(b: Bounds): string {
  if (b.min !== undefined && b.max !== undefined) return `in [${b.min}, ${b.max}]`;
  return b.max !== undefined ? `≤ ${b.max}` : `≥ ${b.min}`;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-4 ? v.toExponential(3) : String(Number(v.toPrecision(4))));

/** The rule's readings: one value, or several (groups, columns) each of which must hold. */
function readings(rule: PolicyRule, ctx: PolicyContext): Reading[] | string {
  const audit = ctx.audit;
  const needAudit = (): string => `no audit of the current data${ctx.auditProblem ? ` (${ctx.auditProblem})` : ''}`;
  switch (rule.kind) {
    case 'metric': {
      if (!audit) return needAudit();
      if (!rule.attribute) {
        const v = audit.overall[rule.metric as keyof AuditReport['overall']];
        return [{ label: 'overall', value: typeof v === 'number' ? v : null, why: audit.overall.undefined[rule.metric as never] }];
      }
      const a = audit.attributes.find((x) => x.name === rule.attribute);
      if (!a) return `the audit has no attribute '${rule.attribute}' (it has ${audit.attributes.map((x) => `'${x.name}'`).join(', ')})`;
      if (DISPARITIES.has(rule.metric)) {
        const v = a.disparities[rule.metric as keyof typeof a.disparities];
        return [{ label: a.name, value: typeof v === 'number' ? v : null, why: a.disparities.undefined[rule.metric] }];
      }
      const groups = rule.group ? a.groups.filter((g) => g.group === rule.group) : a.groups.filter((g) => !g.small);
      if (groups.length === 0) return rule.group ? `'${rule.attribute}' has no group '${rule.group}'` : `'${rule.attribute}' has no group of at least the minimum size`;
      return groups.map((g) => ({ label: `${a.name}=${g.group}`, value: g.metrics[rule.metric as keyof typeof g.metrics], why: g.undefined[rule.metric as keyof typeof g.undefined] }));
    }
    case 'drift': {
      const cols = rule.column === '*' ? ctx.drift.columns : ctx.drift.columns.filter((c) => c.column === rule.column);
      if (cols.length === 0) return `no drift for column '${rule.column}'`;
      const out = cols.filter((c) => c[rule.drift] !== undefined).map((c) => ({ label: c.column, value: c[rule.drift] ?? null, why: c.undefined?.[rule.drift] }));
      const def = DRIFT_DEFINITIONS[rule.drift];
      return out.length > 0 ? out : `no column has ${rule.drift} (the ${def.label}: ${def.for === 'all' ? 'any' : def.for} columns only)`;
    }
    case 'scoreDrift': {
      const s = ctx.drift.score;
      if (!s) return 'no scores on both sides';
      return [{ label: 'score', value: s[rule.scoreDrift] ?? null, why: s.undefined?.[rule.scoreDrift] }];
    }
    case 'selectionRateChange': {
      const rows = ctx.selectionRates.filter((r) => r.attribute === rule.selectionRateChange);
      if (rows.length === 0) return `no selection rates for attribute '${rule.selectionRateChange}'`;
      return rows.map((r) => ({ label: `${r.attribute}=${r.group}`, value: r.difference === null ? null : Math.abs(r.difference), why: r.difference === null ? 'the group is on one side only' : undefined }));
    }
    case 'minRows':
      return [{ label: 'current rows', value: ctx.rows }];
    case 'minGroupRows': {
      if (!audit) return needAudit();
      const a = audit.attributes.find((x) => x.name === rule.attribute);
      if (!a) return `the audit has no attribute '${rule.attribute}'`;
      return a.groups.map((g) => ({ label: `${a.name}=${g.group}`, value: g.count }));
    }
  }
}

/** A rule in the policy's own words (its keys, e.g. `psi drift of every column ≤ 0.25`), so it can be found in the file. */
function describeRule(rule: PolicyRule, b: Bounds): string {
  const head =
    rule.kind === 'metric' ? `${rule.metric}${rule.attribute ? ` of ${rule.attribute}${rule.group ? `=${rule.group}` : ''}` : ' overall'}`
    : rule.kind === 'drift' ? `${rule.drift} drift of ${rule.column === '*' ? 'every column' : rule.column}`
    : rule.kind === 'scoreDrift' ? `${rule.scoreDrift} drift of the scores`
    : rule.kind === 'selectionRateChange' ? `selection rate change of ${rule.selectionRateChange}`
    : rule.kind === 'minRows' ? 'rows'
    : `rows per group of ${rule.attribute}`;
  return `${rule.name ? `${rule.name}: ` : ''}${head} ${boundText(b)}`;
}

function boundsOf(rule: PolicyRule): Bounds {
  if (rule.kind === 'minRows') return { min: rule.minRows };
  if (rule.kind === 'minGroupRows') return { min: rule.minGroupRows };
  return { ...(rule.min !== undefined ? { min: rule.min } : {}), ...(rule.max !== undefined ? { max: rule.max } : {}) };
}

/** The worst reading: the furthest outside its bound, else the closest to it. */
function worst(rs: Reading[], b: Bounds): Reading {
  const excess = (v: number) => Math.max(b.max !== undefined ? v - b.max : -Infinity, b.min !== undefined ? b.min - v : -Infinity);
  return rs.reduce((w, r) => (excess(r.value as number) > excess(w.value as number) ? r : w));
}

function evaluateRule(rule: PolicyRule, index: number, ctx: PolicyContext): RuleResult {
  const bound = boundsOf(rule);
  const base = { rule: describeRule(rule, bound), index, bound, action: rule.action };
  const rs = readings(rule, ctx);
  if (typeof rs === 'string') return { ...base, value: null, broken: false, undetermined: true, evidence: rs };
  const known = rs.filter((r) => r.value !== null);
  const missing = rs.filter((r) => r.value === null);
  const broken = known.filter((r) => breaks(r.value as number, bound));
  const missingText = missing.length > 0 ? `undefined: ${missing.map((r) => `${r.label} (${r.why ?? 'undefined'})`).join(', ')}` : '';
  if (broken.length > 0) {
    const w = worst(broken, bound);
    const list = broken.map((r) => `${r.label} ${fmt(r.value as number)}`).join(', ');
    return { ...base, value: w.value, broken: true, undetermined: false, evidence: `outside ${boundText(bound)}: ${list}${missingText ? `; ${missingText}` : ''}` };
  }
  if (known.length === 0 || (missing.length > 0 && rs.length === 1)) return { ...base, value: null, broken: false, undetermined: true, evidence: missingText };
  const w = worst(known, bound);
  return { ...base, value: w.value, broken: false, undetermined: missing.length > 0, evidence: `${known.length > 1 ? 'worst ' : ''}${w.label} ${fmt(w.value as number)}${missingText ? `; ${missingText}` : ''}` };
}

/** Every rule judged; the verdict is the strongest action of the broken (and undetermined) rules. */
export function evaluatePolicy(policy: Policy, ctx: PolicyContext): PolicyResult {
  const rules = policy.rules.map((r, i) => evaluateRule(r, i, ctx));
  let verdict: Verdict = 'ok';
  for (const r of rules) {
    const a: Verdict = r.broken ? r.action : r.undetermined ? policy.onUndefined : 'ok';
    if (RANK[a] > RANK[verdict]) verdict = a;
  }
  return { verdict, rules };
}
