/**
 * {@link buildAssessment}: the algorithmic impact assessment (`bias-workbench.assessment/1`)
 * from the audit JSON, the table and whatever else the caller has (explanations, scenario
 * results, oversight evidence, a monitoring policy, the texts people wrote). Pure and
 * deterministic: the same inputs give the same document (the salt of pseudonymised columns is
 * never in it). A pipeline of named stages, one per section; the privacy stages (identifiers,
 * small-cell suppression, k-anonymity) run first, because every table after them depends on
 * what they hide.
 */
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS, type Definition } from '../definitions';
import { GENERATED_BY, type AuditReport, type Num } from '../audit';
import { describeIntervention, type Intervention } from '../mitigate/scenario-spec';
import { DEFAULT_K, detectIdentifiers, kAnonymity, suppressSmallCells, type IdentifierFinding, type SuppressionKind } from '../anonymise';
import { groupColumn, intersectGroups } from '../roles';
import { WorkbenchError } from '../errors';
import { POLICY_FORMAT, evaluatePolicy, validatePolicy } from '../monitor/policy';
import { NO_GROUP, cellKey, splitCellKey, suppressGroups } from './cells';
import { DISPARITY_KEYS_SHOWN, GROUP_KEYS, PERFORMANCE_KEYS, attributeFairness, performance, representation } from './fairness';
import { publishedProfile } from './profile';
import { residualRisks } from './risks';
import {
  ASSESSMENT_FORMAT,
  NOT_STATED,
  SCENARIO_KEYS,
  SUPPRESSED,
  type Assessment,
  type AssessmentInputs,
  type ScenarioResultsInput,
  type ScenarioRow,
  type SystemText,
} from './types';

export const DEFAULT_SIGN_OFF_ROLES = ['Model owner', 'Data protection officer', 'Independent reviewer', 'Accountable executive'];

/** How the complementary-suppression rule reads in the report. */
export const COMPLEMENTARY_RULE =
  'A group with fewer than k rows is shown as "fewer than k" and its rates are withheld. Where a published total (all rows, or a group of a one-column table that an intersection splits) would give a single hidden group away by subtraction, the next smallest group in that total is hidden too, until every such total hides none or at least two groups.';

const SYSTEM_FIELDS: (keyof SystemText)[] = ['name', 'purpose', 'intendedUse', 'affectedPeople', 'outOfScope', 'owner', 'deployment'];

function systemSection(s: Partial<SystemText> | undefined): SystemText {
  const out = {} as SystemText;
  for (const f of SYSTEM_FIELDS) {
    const v = s?.[f]?.trim();
    out[f] = v ? v : NOT_STATED;
  }
  return out;
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 2) throw new WorkbenchError('roles-invalid', `k must be a whole number ≥ 2, not ${k}.`, 'Use k = 10 unless your policy says otherwise.');
  return k;
}

// ---------------------------------------------------------------------------------------
// stages

function modelSection(inputs: AssessmentInputs): Assessment['model'] {
  const m = inputs.model;
  const man = m?.manifest ?? null;
  return {
    kind: m?.kind ?? (inputs.audit.input.score ? 'score-column' : inputs.audit.input.prediction ? 'decision-column' : 'model'),
    files: m?.files ?? [],
    manifest: man
      ? {
          name: man.name ?? null,
          description: man.description ?? null,
          target: man.target,
          output: man.output,
          threshold: man.threshold,
          features: man.features.map((f) => ({ column: f.column, kind: f.kind })),
          training: man.training ? { ...man.training } : null,
          groupThresholds: (man.groupThresholds?.length ?? 0) > 0,
        }
      : null,
    decision: inputs.audit.decision,
  };
}

function explanationsSection(inputs: AssessmentInputs, hidden: ReadonlyMap<string, SuppressionKind>, k: number): Assessment['explanations'] {
  const e = inputs.explanations;
  const proxies = (e?.proxies ?? []).map((p) => ({
    attribute: p.attribute,
    nmiThreshold: p.nmiThreshold,
    aucThreshold: p.aucThreshold,
    columns: p.columns.map((c) => {
      // the best one-column AUC over the groups the report shows (a hidden group's is not told)
      let maxAuc: Num = null;
      let bestGroup: string | null = null;
      for (const [g, v] of Object.entries(c.aucByGroup)) {
        if (v === null || hidden.has(cellKey(p.attribute, g))) continue;
        if (maxAuc === null || v > maxAuc) {
          maxAuc = v;
          bestGroup = g;
        }
      }
      return { name: c.name, nmi: c.nmi, groupInformation: c.groupInformation, maxAuc, bestGroup, likelyProxy: c.likelyProxy };
    }),
  }));
  const gap = e?.gap ?? null;
  const gapWithheld = gap !== null && (gap.countA < k || gap.countB < k || hidden.has(cellKey(gap.attribute, gap.groupA)) || hidden.has(cellKey(gap.attribute, gap.groupB)));
  return {
    supplied: !!(e && (e.importance || e.shap || (e.proxies?.length ?? 0) > 0 || e.gap)),
    importance: e?.importance ?? null,
    shap: e?.shap ?? null,
    proxies,
    gap: gap ? (gapWithheld ? { ...gap, gap: NaN, contributions: [], withheld: true } : { ...gap, withheld: false }) : null,
  };
}

/** Group → rows in the full data, for the scenario attribute (one column or an intersection). */
function scenarioGroupCounts(inputs: AssessmentInputs, s: ScenarioResultsInput): Map<string, number> | null {
  const cols = s.groups.name.split('&');
  const attrs = cols.map((c) => inputs.audit.input.protected.find((p) => p.column === c));
  if (attrs.some((a) => a === undefined)) return null;
  const column = intersectGroups(attrs.map((a) => groupColumn(inputs.table, a!)));
  const n = new Array<number>(column.levels.length).fill(0);
  for (let i = 0; i < column.codes.length; i++) if (column.codes[i] >= 0) n[column.codes[i]]++;
  return new Map(column.levels.map((l, i) => [l, n[i]]));
}


function heldOutRatio(rates: Record<string, Num>): Num {
  const v = Object.values(rates).filter((x): x is number => x !== null);
  if (v.length < 2) return null;
  const max = Math.max(...v);
  return max > 0 ? Math.min(...v) / max : null;
}

function mitigationsSection(inputs: AssessmentInputs, hidden: ReadonlyMap<string, SuppressionKind>, k: number): Assessment['mitigations'] {
  const s = inputs.scenarios;
  const none: Assessment['mitigations'] = { supplied: false, file: null, sha256: null, split: null, attribute: null, baselineScenario: null, scenarios: [], chosen: null };
  if (!s) return none;
  const chosenName = inputs.chosenScenario ?? null;
  if (chosenName !== null && !s.scenarios.some((x) => x.name === chosenName)) {
    throw new WorkbenchError('roles-invalid', `The chosen scenario "${chosenName}" is not among the scenarios (${s.scenarios.map((x) => `"${x.name}"`).join(', ')}).`, 'Name a scenario exactly as the compare results name it.');
  }
  const counts = scenarioGroupCounts(inputs, s);
  // a group's held-out rate is withheld when the group has fewer than k rows, or when its held-out share is
  // expected below k; a group hidden only to cover another (complementary) keeps its rate here, because
  // the compare results publish no held-out group sizes to subtract from
  const withheld = (g: string) => counts === null || hidden.get(cellKey(s.groups.name, g)) === 'small' || (counts.get(g) ?? 0) * s.split.testFraction < k;
  const rows: ScenarioRow[] = s.scenarios.map((sc) => {
    const selectionRate: Record<string, Num> = {};
    for (const g of s.groups.levels) selectionRate[g] = withheld(g) ? null : (sc.metrics.selectionRate?.[g] ?? null);
    const diff = sc.differencesFromBaseline ?? null;
    return {
      name: sc.name,
      interventions: sc.interventions.map((i) => describeIntervention(i as Intervention)),
      heldOutRows: sc.heldOutRows,
      metrics: SCENARIO_KEYS.map((key) => {
        const iv = sc.intervals?.[key];
        return { key, value: sc.metrics[key] ?? null, interval: Array.isArray(iv) ? iv : null, reason: (sc.metrics[key] ?? null) === null ? (sc.undefined?.[key] ?? 'undefined') : null };
      }),
      selectionRate,
      differences: diff ? Object.fromEntries(SCENARIO_KEYS.map((key) => [key, diff[key] ?? null])) : null,
      pareto: s.pareto.includes(sc.name),
      chosen: sc.name === chosenName,
    };
  });
  const chosenRow = rows.find((r) => r.chosen);
  const chosen = chosenRow
    ? {
        name: chosenRow.name,
        // accuracy lost against the baseline scenario: baseline − chosen (positive = a cost)
        accuracyCost: chosenRow.differences?.accuracy === null || chosenRow.differences === null ? null : -(chosenRow.differences.accuracy as number),
        demographicParityChange: chosenRow.differences?.demographicParityDifference ?? null,
        equalOpportunityChange: chosenRow.differences?.equalOpportunityDifference ?? null,
        disparateImpact: heldOutRatio(chosenRow.selectionRate),
      }
    : null;
  return { supplied: true, file: s.file ?? null, sha256: s.sha256 ?? null, split: s.split, attribute: s.groups.name, baselineScenario: s.baselineScenario, scenarios: rows, chosen };
}

function oversightSection(inputs: AssessmentInputs, k: number, suppressed: Assessment['privacy']['suppressed']): Assessment['oversight'] {
  const o = inputs.oversight;
  const appealsIn = o?.appeals ?? [];
  const counts = new Map(appealsIn.map((a) => [a.group, a.decided]));
  const { hidden } = suppressSmallCells(counts, [appealsIn.map((a) => a.group)], k);
  const appeals = appealsIn.map((a) => {
    const h = hidden.get(a.group) ?? null;
    if (h) suppressed.push({ table: 'appeals by group', cell: a.group, kind: h });
    return { group: a.group, decided: h ? null : a.decided, overturned: h ? null : a.overturned, overturnRate: h || a.decided === 0 ? null : a.overturned / a.decided, hidden: h };
  });
  const supplied = !!(o && (o.log || appealsIn.length > 0 || o.workshop || o.statement));
  return { supplied, statement: o?.statement?.trim() || NOT_STATED, log: o?.log ?? null, appeals, workshop: o?.workshop ?? null };
}

/**
 * The policy's rules that read the audit, judged on this audit today. A policy that does not
 * validate is not judged here (the CLI refuses it before; the page shows its own message).
 */
function policyToday(inputs: AssessmentInputs): Assessment['monitoring']['today'] {
  const p = inputs.monitoring?.policy;
  if (!p || p.format !== POLICY_FORMAT) return null;
  const policy = validatePolicy(p.content);
  const auditRules = policy.rules.filter((r) => r.kind === 'metric' || r.kind === 'minRows' || r.kind === 'minGroupRows');
  const driftRules = policy.rules.length - auditRules.length;
  if (auditRules.length === 0) return { verdict: 'ok', rules: [], driftRules };
  const res = evaluatePolicy({ ...policy, rules: auditRules }, { audit: inputs.audit, rows: inputs.audit.rows, drift: { columns: [], score: null }, selectionRates: [] });
  return { verdict: res.verdict, rules: res.rules.map((r) => ({ rule: r.rule, value: r.value, broken: r.broken, undetermined: r.undetermined, action: r.action })), driftRules };
}

function definitionsUsed(): Record<string, Definition> {
  const keys = new Set<string>([...PERFORMANCE_KEYS, ...GROUP_KEYS, ...DISPARITY_KEYS_SHOWN, ...SCENARIO_KEYS, 'fourFifthsRule', 'count']);
  const out: Record<string, Definition> = {};
  for (const key of keys) {
    const d = METRIC_DEFINITIONS[key] ?? DISPARITY_DEFINITIONS[key];
    if (d) out[key] = d;
  }
  return out;
}

function hashes(inputs: AssessmentInputs): Record<string, string> {
  const out: Record<string, string> = {};
  if (inputs.audit.input.sha256) out.data = inputs.audit.input.sha256;
  for (const f of inputs.model?.files ?? []) out[f.role] = f.sha256;
  if (inputs.scenarios?.sha256) out.scenarios = inputs.scenarios.sha256;
  if (inputs.monitoring?.policy) out.policy = inputs.monitoring.policy.sha256;
  if (inputs.oversight?.log) out.decisionLog = inputs.oversight.log.sha256;
  return out;
}

function seeds(inputs: AssessmentInputs): Record<string, number> {
  const out: Record<string, number> = { ...(inputs.reproducibility?.seeds ?? {}) };
  if (inputs.audit.bootstrap) out.bootstrap = inputs.audit.bootstrap.seed;
  if (inputs.scenarios) out.scenarioSplit = inputs.scenarios.split.seed;
  if (inputs.explanations?.importance) out.permutationImportance = inputs.explanations.importance.seed;
  return out;
}

function identifierFindings(inputs: AssessmentInputs): IdentifierFinding[] {
  const a = inputs.audit.input;
  return detectIdentifiers(inputs.table, { exclude: [a.target, ...a.protected.map((p) => p.column), ...(a.weight ? [a.weight] : [])] });
}

// ---------------------------------------------------------------------------------------

/** The assessment (bias-workbench.assessment/1). Throws `roles-invalid` for k < 2 or an unknown chosen scenario. */
export function buildAssessment(inputs: AssessmentInputs): Assessment {
  const audit: AuditReport = inputs.audit;
  const k = checkK(inputs.privacy?.k ?? DEFAULT_K);
  const action = inputs.privacy?.identifierAction ?? 'drop';

  // privacy first: what is hidden decides every table
  const identifiers = identifierFindings(inputs);
  const groups = suppressGroups(audit.attributes, k);
  const suppressed: Assessment['privacy']['suppressed'] = [...groups.hidden].map(([key, kind]) => {
    const { attribute, group } = splitCellKey(key);
    return { table: attribute, cell: group === NO_GROUP ? 'rows with no value' : group, kind };
  });
  const unprotected = groups.unprotected.map((i) => splitCellKey(groups.lines[i][0]).attribute);
  const quasi = inputs.privacy?.quasiIdentifiers ?? [];
  const kAnon = kAnonymity(inputs.table, [...audit.input.protected, ...quasi.filter((q) => !audit.input.protected.some((p) => p.column === q.column))], k);

  const fairness = audit.attributes.map((a) => attributeFairness(a, audit.rows, groups.hidden, audit.options.minGroupSize));
  const profile = publishedProfile(inputs.table, { target: audit.input.target, protected: audit.input.protected.map((p) => p.column), weight: audit.input.weight, identifiers: identifiers.map((f) => f.column) }, k);
  for (const p of profile) if (p.hiddenValues > 0) suppressed.push({ table: `profile of ${p.name}`, cell: `${p.hiddenValues} value${p.hiddenValues === 1 ? '' : 's'} (not named)`, kind: 'small' });
  const explanations = explanationsSection(inputs, groups.hidden, k);
  const mitigations = mitigationsSection(inputs, groups.hidden, k);
  const oversight = oversightSection(inputs, k, suppressed);

  const doc: Omit<Assessment, 'residualRisks'> = {
    format: ASSESSMENT_FORMAT,
    generatedBy: GENERATED_BY,
    createdAt: inputs.createdAt ?? null,
    system: systemSection(inputs.system),
    data: {
      file: audit.input.file,
      sha256: audit.input.sha256,
      bytes: audit.input.bytes,
      rows: audit.rows,
      columns: inputs.table.columns.length,
      target: { column: audit.input.target, positive: audit.input.positive },
      weight: audit.input.weight,
      profile,
      representation: representation(audit, fairness),
    },
    protectedAttributes: audit.input.protected.map((p) => ({ column: p.column, cuts: p.cuts ?? null, why: inputs.protectedWhy?.[p.column]?.trim() || NOT_STATED })),
    model: modelSection(inputs),
    performance: { rows: audit.rows, selected: audit.decision.selected, metrics: performance(audit), intervals: audit.bootstrap },
    fairness: { minGroupSize: audit.options.minGroupSize, k, attributes: fairness },
    explanations,
    mitigations,
    oversight,
    monitoring: { plan: inputs.monitoring?.plan?.trim() || NOT_STATED, policy: inputs.monitoring?.policy ?? null, today: policyToday(inputs) },
    privacy: {
      k,
      identifiers: identifiers.map((f) => ({ column: f.column, kind: f.kind, reason: f.reason, action })),
      suppressed,
      unprotected,
      kAnonymity: kAnon,
      salt: action === 'hash' ? 'a random salt made for this report and not kept' : 'none (identifier columns are dropped)',
      complementaryRule: COMPLEMENTARY_RULE,
    },
    reproducibility: {
      generatedBy: GENERATED_BY,
      versions: { 'bias-workbench': GENERATED_BY.split(' ')[1], format: ASSESSMENT_FORMAT, ...(inputs.reproducibility?.versions ?? {}) },
      seeds: seeds(inputs),
      hashes: hashes(inputs),
      decision: audit.decision,
      options: audit.options,
      command: inputs.reproducibility?.command ?? null,
    },
    signOff: (inputs.signOffRoles ?? DEFAULT_SIGN_OFF_ROLES).map((role) => ({ role, name: '', date: '', decision: '', signature: '' })),
    definitions: definitionsUsed(),
    notes: audit.notes,
  };
  return { ...doc, residualRisks: residualRisks(doc) };
}

export { SUPPRESSED };
