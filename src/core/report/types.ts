/**
 * The algorithmic impact assessment as data (`bias-workbench.assessment/1`): what its
 * sections hold, and what a caller hands {@link buildAssessment} to make one. The JSON twin
 * of the HTML report holds every number the HTML shows, unformatted; the HTML formats them
 * with core/format.ts and labels them from core/definitions.ts.
 *
 * A value that does not exist is `null` with its reason, never 0. A value withheld to
 * protect a small group is `null` with the reason `suppressed` and its count shown as
 * "fewer than k" (`count: null`, `hidden: 'small' | 'complementary'`).
 */
import type { Definition, MetricUnit } from '../definitions';
import type { DecisionJson, Num, Pair, ReportNote, AuditReport } from '../audit';
import type { Manifest } from '../manifest';
import type { ProtectedAttribute } from '../roles';
import type { ColumnTable } from '../table';
import type { IdentifierAction, IdentifierKind, KAnonymityResult, SuppressionKind } from '../anonymise';

export const ASSESSMENT_FORMAT = 'bias-workbench.assessment/1';

/** How a text field the person did not fill in reads. */
export const NOT_STATED = 'not stated';

/** Reason code of a value withheld by small-cell suppression. */
export const SUPPRESSED = 'suppressed';

// ---------------------------------------------------------------------------------------
// what the caller supplies

/** The system and its purpose, in the words of the people responsible for it. */
export interface SystemText {
  name: string;
  purpose: string;
  /** who or what uses the scores, and how a score becomes an action */
  intendedUse: string;
  /** the people the scores are about */
  affectedPeople: string;
  /** uses the system is not meant for */
  outOfScope: string;
  /** the organisation and the person accountable */
  owner: string;
  /** where and since when it runs */
  deployment: string;
}

export interface FileHash {
  /** what the file is: 'data', 'model', 'weights', 'manifest', 'scenarios', 'policy', … */
  role: string;
  name: string;
  sha256: string;
  bytes: number | null;
}

/** A proxy ranking for one protected attribute, per column (core/explain proxyStrength). */
export interface ProxyInput {
  attribute: string;
  nmiThreshold: number;
  aucThreshold: number;
  columns: { name: string; nmi: number; groupInformation: number; likelyProxy: boolean; aucByGroup: Record<string, number | null> }[];
}

export interface ImportanceInput {
  /** accuracy, auc, logloss, demographic-parity or equalized-odds */
  score: string;
  baseline: number;
  repeats: number;
  seed: number;
  columns: { name: string; mean: number; std: number }[];
}

export interface GapInput {
  attribute: string;
  groupA: string;
  groupB: string;
  countA: number;
  countB: number;
  /** mean score of A − of B over the explained rows */
  gap: number;
  contributions: { name: string; value: number }[];
}

/** Mean |SHAP| per column over the explained rows (the page's Explain tab; core/explain). */
export interface ShapInput {
  /** rows explained, and the scale of the values */
  rows: number;
  output: 'probability' | 'logit';
  permutations: number;
  background: { kind: string; size: number };
  seed: number;
  /** largest first */
  columns: { name: string; meanAbs: number }[];
}

export interface ExplanationsInput {
  importance?: ImportanceInput | null;
  shap?: ShapInput | null;
  proxies?: ProxyInput[];
  gap?: GapInput | null;
}

/** The held-out metrics the report shows per scenario (compare's JSON names them so). */
export const SCENARIO_KEYS = ['accuracy', 'balancedAccuracy', 'rocAuc', 'demographicParityDifference', 'equalOpportunityDifference', 'equalizedOddsDifference'] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

/** One scenario as `bias-workbench compare --format json` writes it (the fields read here). */
export interface ScenarioInput {
  name: string;
  interventions: unknown[];
  heldOutRows: number;
  selected: number;
  metrics: Partial<Record<ScenarioKey, Num>> & { selectionRate?: Record<string, Num> };
  intervals?: Partial<Record<ScenarioKey, Pair>>;
  undefined?: Record<string, string>;
  differencesFromBaseline?: (Partial<Record<ScenarioKey, Num>> & { selectionRate?: Record<string, Num> }) | null;
  notes?: string[];
}

/** `bias-workbench compare --format json` output (the fields read here). */
export interface ScenarioResultsInput {
  groups: { name: string; levels: string[] };
  split: { seed: number; train: number; test: number; testFraction: number };
  baselineScenario: string | null;
  scenarios: ScenarioInput[];
  pareto: string[];
  /** SHA-256 of the file it came from */
  sha256?: string | null;
  file?: string | null;
}

export interface OversightInput {
  /** a decision log: its verification and entries by kind */
  log?: { file: string; sha256: string; intact: boolean; entries: number; head: string | null; problem: string | null; byKind: Record<string, number>; overrides: number } | null;
  /** appeals decided and overturned, by group */
  appeals?: { group: string; decided: number; overturned: number }[];
  /** the workshop debrief's findings, one line each (from bias-workbench.workshop-summary/1) */
  workshop?: { file: string; participants: number; decisions: number; findings: string[] } | null;
  /** how people can override a score and appeal a decision, in words */
  statement?: string;
}

export interface PolicyInput {
  file: string;
  sha256: string;
  /** the policy's own format tag, when it has one */
  format: string | null;
  content: unknown;
}

export interface AssessmentInputs {
  /** the audit JSON (core/audit auditReport), computed with minGroupSize ≥ k */
  audit: AuditReport;
  /** the data as read: for the profile, the identifiers and the k-anonymity check */
  table: ColumnTable;
  system?: Partial<SystemText>;
  /** protected column → why it is assessed */
  protectedWhy?: Record<string, string>;
  model?: { kind: 'model' | 'score-column' | 'decision-column'; files: FileHash[]; manifest: Manifest | null } | null;
  explanations?: ExplanationsInput | null;
  scenarios?: ScenarioResultsInput | null;
  /** the scenario adopted, by name */
  chosenScenario?: string | null;
  oversight?: OversightInput | null;
  monitoring?: { plan?: string; policy?: PolicyInput | null } | null;
  reproducibility?: { seeds?: Record<string, number>; versions?: Record<string, string>; command?: string | null };
  privacy?: { k?: number; quasiIdentifiers?: ProtectedAttribute[]; identifierAction?: IdentifierAction };
  /** ISO 8601 time the report is made; null leaves it out (tests, reproducible files) */
  createdAt?: string | null;
  /** roles that sign; default: model owner, data protection officer, independent reviewer, accountable executive */
  signOffRoles?: string[];
}

// ---------------------------------------------------------------------------------------
// the document

export interface MetricValue {
  key: string;
  value: Num;
  interval: Pair | null;
  /** why value is null */
  reason: string | null;
}

export interface GroupRow {
  group: string;
  /** null when hidden */
  count: number | null;
  /** share of all rows; null when hidden */
  share: Num;
  hidden: SuppressionKind | null;
  reference: boolean;
  /** below the audit's minimum group size: in the table, not in the headline disparities */
  small: boolean;
  metrics: Record<string, Num>;
  intervals: Record<string, Pair>;
  /** metric → why it is null (suppressed, or the audit's reason) */
  reasons: Record<string, string>;
}

export interface AttributeFairness {
  name: string;
  columns: string[];
  reference: string | null;
  /** rows with no value for the attribute; null when hidden */
  missingRows: number | null;
  groups: GroupRow[];
  disparities: MetricValue[];
  fourFifthsRule: { pass: boolean | null; threshold: number; disparateImpact: Num; caveat: string };
  notes: string[];
}

export interface ColumnProfileJson {
  name: string;
  type: string;
  count: number;
  missing: number;
  distinct: number;
  role: 'target' | 'protected' | 'weight' | 'identifier' | 'other';
  /** numeric: summary without min and max (single rows); null when fewer than k values */
  numeric: { mean: number; std: number; p05: number | null; p25: number; p50: number; p75: number; p95: number | null } | null;
  /** most frequent values (up to 10), counts below k hidden; absent for identifiers and protected columns */
  top: { value: string; count: number }[] | null;
  /** values of this column not shown because fewer than k rows have them */
  hiddenValues: number;
}

export interface RiskJson {
  area: 'fairness' | 'data' | 'model' | 'privacy' | 'oversight' | 'monitoring';
  severity: 'high' | 'medium' | 'low';
  attribute: string | null;
  /** the rule that raised it, e.g. "disparate impact < 0.8 (four-fifths rule)" */
  rule: string;
  message: string;
}

export interface ScenarioRow {
  name: string;
  interventions: string[];
  heldOutRows: number;
  metrics: MetricValue[];
  /** group → held-out selection rate; null when withheld or undefined */
  selectionRate: Record<string, Num>;
  differences: Record<string, Num> | null;
  pareto: boolean;
  chosen: boolean;
}

export interface Assessment {
  format: typeof ASSESSMENT_FORMAT;
  generatedBy: string;
  createdAt: string | null;
  system: SystemText;
  data: {
    file: string | null;
    sha256: string | null;
    bytes: number | null;
    rows: number;
    columns: number;
    target: { column: string; positive: string };
    weight: string | null;
    profile: ColumnProfileJson[];
    representation: { attribute: string; rows: number; missingRows: number | null; groups: { group: string; count: number | null; share: Num; baseRate: Num; hidden: SuppressionKind | null }[] }[];
  };
  protectedAttributes: { column: string; cuts: number[] | null; why: string }[];
  model: {
    kind: 'model' | 'score-column' | 'decision-column';
    files: FileHash[];
    manifest: { name: string | null; description: string | null; target: { column: string; positive: string }; output: string; threshold: number; features: { column: string; kind: string }[]; training: Record<string, unknown> | null; groupThresholds: boolean } | null;
    decision: DecisionJson;
  };
  performance: { rows: number; selected: number; metrics: MetricValue[]; intervals: { resamples: number; seed: number; level: number } | null };
  fairness: { minGroupSize: number; k: number; attributes: AttributeFairness[] };
  explanations: {
    supplied: boolean;
    importance: ImportanceInput | null;
    shap: ShapInput | null;
    proxies: { attribute: string; nmiThreshold: number; aucThreshold: number; columns: { name: string; nmi: number; groupInformation: number; maxAuc: Num; bestGroup: string | null; likelyProxy: boolean }[] }[];
    gap: (GapInput & { withheld: boolean }) | null;
  };
  mitigations: {
    supplied: boolean;
    file: string | null;
    sha256: string | null;
    split: ScenarioResultsInput['split'] | null;
    attribute: string | null;
    baselineScenario: string | null;
    scenarios: ScenarioRow[];
    chosen: { name: string; accuracyCost: Num; demographicParityChange: Num; equalOpportunityChange: Num; disparateImpact: Num } | null;
  };
  residualRisks: RiskJson[];
  oversight: { supplied: boolean; statement: string; log: OversightInput['log'] | null; appeals: { group: string; decided: number | null; overturned: number | null; overturnRate: Num; hidden: SuppressionKind | null }[]; workshop: OversightInput['workshop'] | null };
  monitoring: {
    plan: string;
    policy: { file: string; sha256: string; format: string | null; content: unknown } | null;
    /**
     * The policy's audit rules (metric, minRows, minGroupRows) applied to this audit
     * (core/monitor evaluatePolicy); drift rules need a monitoring run and are only counted.
     * Null without a policy of format bias-workbench.policy/1.
     */
    today: { verdict: string; rules: { rule: string; value: Num; broken: boolean; undetermined: boolean; action: string }[]; driftRules: number } | null;
  };
  privacy: {
    k: number;
    identifiers: { column: string; kind: IdentifierKind; reason: string; action: IdentifierAction }[];
    suppressed: { table: string; cell: string; kind: SuppressionKind }[];
    unprotected: string[];
    kAnonymity: KAnonymityResult;
    salt: string;
    complementaryRule: string;
  };
  reproducibility: {
    generatedBy: string;
    versions: Record<string, string>;
    seeds: Record<string, number>;
    hashes: Record<string, string>;
    decision: DecisionJson;
    options: AuditReport['options'];
    command: string | null;
  };
  signOff: { role: string; name: string; date: string; decision: string; signature: string }[];
  definitions: Record<string, Definition>;
  notes: ReportNote[];
}

export type { MetricUnit };
