/**
 * The one metric table: every number the audit and the monitor show, with its label, its formula, one
 * sentence a workshop participant understands, the peer convention it follows, and how it is
 * shown (its unit). Next to it, the one table of reasons a value can be undefined. The page,
 * the chart specs, the CLI's JSON and the HTML reports all read these two tables; nothing
 * else spells a metric's label or a reason.
 *
 * Notation: TP, FP, TN, FN are weighted confusion counts at the decision rule; P = TP + FN,
 * N = FP + TN; ŷ = 1 for a selected lead; w = sample weights (1 when absent).
 *
 * Units: 'percent' (a share, shown as 12.3%), 'points' (a difference of two shares, shown
 * as 12.3 pp), 'ratio' and 'number' (shown as 0.123), 'count' (shown as 1,234).
 */
export type MetricUnit = 'percent' | 'points' | 'ratio' | 'number' | 'count';

export interface Definition {
  label: string;
  formula: string;
  plain: string;
  convention?: string;
  unit: MetricUnit;
}

export const METRIC_DEFINITIONS: Record<string, Definition> = {
  count: { label: 'leads', formula: 'number of rows in the group (unweighted)', plain: 'How many leads are in this group.' , unit: 'count' },
  weightSum: { label: 'weighted size', formula: 'Σ w', plain: 'The group size after sample weights.' , unit: 'count' },
  baseRate: { label: 'base rate', formula: 'P / (P + N)', plain: 'Share of the group that actually converted.' , unit: 'percent' },
  selectionRate: { label: 'selection rate', formula: '(TP + FP) / (P + N)', plain: 'Share of the group the model selects (would call).', convention: 'fairlearn selection_rate' , unit: 'percent' },
  truePositiveRate: { label: 'true positive rate', formula: 'TP / P', plain: 'Of the leads that converted, the share the model selected (recall).', convention: 'undefined when P = 0 (fairlearn reports 0)' , unit: 'percent' },
  falsePositiveRate: { label: 'false positive rate', formula: 'FP / N', plain: 'Of the leads that did not convert, the share the model selected anyway.', convention: 'undefined when N = 0 (fairlearn reports 0)' , unit: 'percent' },
  falseNegativeRate: { label: 'false negative rate', formula: 'FN / P', plain: 'Of the leads that converted, the share the model passed over.' , unit: 'percent' },
  trueNegativeRate: { label: 'true negative rate', formula: 'TN / N', plain: 'Of the leads that did not convert, the share the model passed over.' , unit: 'percent' },
  precision: { label: 'precision (PPV)', formula: 'TP / (TP + FP)', plain: 'Of the leads selected, the share that converted.', convention: 'undefined when nobody is selected (sklearn zero_division=0 reports 0)' , unit: 'percent' },
  negativePredictiveValue: { label: 'negative predictive value', formula: 'TN / (TN + FN)', plain: 'Of the leads passed over, the share that indeed did not convert.' , unit: 'percent' },
  falseDiscoveryRate: { label: 'false discovery rate', formula: 'FP / (TP + FP)', plain: 'Of the leads selected, the share that did not convert.' , unit: 'percent' },
  falseOmissionRate: { label: 'false omission rate', formula: 'FN / (TN + FN)', plain: 'Of the leads passed over, the share that would have converted.' , unit: 'percent' },
  accuracy: { label: 'accuracy', formula: '(TP + TN) / (P + N)', plain: 'Share of leads the decision got right.' , unit: 'percent' },
  balancedAccuracy: { label: 'balanced accuracy', formula: '(TPR + TNR) / 2', plain: 'Accuracy that counts converters and non-converters equally.' , unit: 'percent' },
  rocAuc: { label: 'ROC AUC', formula: 'P(score of a random converter > score of a random non-converter), ties ½', plain: 'How well the score ranks converters above non-converters, whatever the threshold.', convention: 'sklearn roc_auc_score (weighted); undefined for a one-class group' , unit: 'number' },
  brierScore: { label: 'Brier score', formula: 'Σ w (score − y)² / Σ w', plain: 'Mean squared gap between the score and the outcome (lower is better).' , unit: 'number' },
  meanScore: { label: 'mean score', formula: 'Σ w·score / Σ w', plain: 'Average score the model gives the group.' , unit: 'percent' },
  expectedCalibrationError: { label: 'expected calibration error', formula: 'Σ_bins (w_bin / w) |observed rate − mean score| over 10 equal-width bins', plain: 'How far the scores are from the conversion rates they promise.' , unit: 'number' },
};

export const DISPARITY_DEFINITIONS: Record<string, Definition> = {
  demographicParityDifference: { label: 'demographic parity difference', formula: 'max_g SR_g − min_g SR_g', plain: 'Largest gap in selection rate between groups (0 = equal).', convention: 'fairlearn, unsigned, between groups' , unit: 'points' },
  demographicParityRatio: { label: 'demographic parity ratio', formula: 'min_g SR_g / max_g SR_g', plain: 'Smallest group selection rate as a share of the largest (1 = equal).', convention: 'fairlearn' , unit: 'ratio' },
  disparateImpact: { label: 'disparate impact', formula: 'min_g SR_g / max_g SR_g (= demographic parity ratio)', plain: 'Selection rate of the least-selected group relative to the most-selected one.', convention: 'the four-fifths rule passes when ≥ 0.8' , unit: 'ratio' },
  equalOpportunityDifference: { label: 'equal opportunity difference', formula: 'max_g TPR_g − min_g TPR_g', plain: 'Largest gap between groups in the share of converters the model finds.', convention: 'fairlearn; groups with no converters are left out (fairlearn counts them as 0)' , unit: 'points' },
  equalOpportunityRatio: { label: 'equal opportunity ratio', formula: 'min_g TPR_g / max_g TPR_g', plain: 'Smallest group TPR as a share of the largest.' , unit: 'ratio' },
  equalizedOddsDifference: { label: 'equalized odds difference', formula: 'worst case: max(ΔTPR, ΔFPR); mean: (ΔTPR + ΔFPR) / 2, Δ = max − min over groups', plain: 'Largest gap between groups in finding converters or in wrongly selecting non-converters.', convention: "fairlearn's agg='worst_case' | 'mean'" , unit: 'points' },
  equalizedOddsRatio: { label: 'equalized odds ratio', formula: 'worst case: min(TPR ratio, FPR ratio); mean: their mean', plain: 'The worse of the TPR and FPR ratios between groups.' , unit: 'ratio' },
  equalizedOddsDifferenceMean: { label: 'equalized odds difference (mean)', formula: '(ΔTPR + ΔFPR) / 2, Δ = max − min over groups', plain: 'The gaps between groups in finding converters and in wrongly selecting non-converters, averaged.', convention: "fairlearn's agg='mean'", unit: 'points' },
  equalizedOddsRatioMean: { label: 'equalized odds ratio (mean)', formula: '(TPR ratio + FPR ratio) / 2', plain: 'The TPR and FPR ratios between groups, averaged.', convention: "fairlearn's agg='mean'", unit: 'ratio' },
  fourFifthsRule: { label: 'four-fifths rule', formula: 'passes when disparate impact ≥ 0.8', plain: 'The least-selected group is selected at least four fifths as often as the most-selected one.', convention: 'a rule of thumb from US employment screening, not a statistical test', unit: 'ratio' },
  averageOddsDifference: { label: 'average odds difference', formula: '½[(FPR_g − FPR_ref) + (TPR_g − TPR_ref)]', plain: 'Signed: how much more (positive) or less a group is selected than the reference, averaged over converters and non-converters.', convention: 'AIF360, unprivileged (g) minus privileged (reference)' , unit: 'points' },
  averageAbsOddsDifference: { label: 'average absolute odds difference', formula: '½[|FPR_g − FPR_ref| + |TPR_g − TPR_ref|]', plain: 'Unsigned version of the average odds difference.', convention: 'AIF360' , unit: 'points' },
  predictiveParityDifference: { label: 'predictive parity difference', formula: 'max_g PPV_g − min_g PPV_g', plain: 'Largest gap between groups in the share of selected leads that convert.' , unit: 'points' },
  predictiveParityRatio: { label: 'predictive parity ratio', formula: 'min_g PPV_g / max_g PPV_g', plain: 'Smallest group precision as a share of the largest.' , unit: 'ratio' },
  aucGap: { label: 'AUC gap', formula: 'max_g AUC_g − min_g AUC_g', plain: 'How much better the score ranks leads in one group than in another.' , unit: 'number' },
  calibrationGap: { label: 'calibration gap', formula: 'max_g ECE_g − min_g ECE_g', plain: 'How much worse the scores match reality in one group than in another.' , unit: 'number' },
  theilIndex: { label: 'Theil index', formula: '(1/n) Σ (b_i/μ) ln(b_i/μ), b_i = ŷ_i − y_i + 1', plain: 'Inequality of individual benefit across all leads (0 = everyone treated alike).', convention: 'AIF360 generalized entropy index with α = 1; unweighted, as AIF360' , unit: 'number' },
  generalizedEntropyIndex: { label: 'generalized entropy index', formula: 'mean((b/μ)^α − 1) / (α(α − 1))', plain: 'A family of inequality measures of individual benefit; α = 2 by default.', convention: 'AIF360 (α = 0 reproduces its extra 1/μ factor)' , unit: 'number' },
  betweenGroupTheilIndex: { label: 'between-group Theil index', formula: 'Theil index with each b_i replaced by its group mean', plain: 'The part of the inequality that lies between groups.' , unit: 'number' },
};

/** The drift measures, by their key in the monitoring JSON (`drift.columns[]`, `drift.score`). */
export const DRIFT_MEASURES = ['psi', 'jensenShannon', 'wasserstein', 'ksPValue', 'chiSquarePValue'] as const;
export type DriftMeasure = (typeof DRIFT_MEASURES)[number];

/** A drift measure's definition: which columns have it, and the decimals a report shows. */
export interface DriftDefinition extends Definition {
  for: 'all' | 'numeric' | 'categorical';
  digits: number;
}

/**
 * Drift between a reference and a current sample (core/monitor/drift.ts), with Evidently's
 * definitions. r, c: the reference and current shares over the same bins (Evidently's: Sturges
 * bins over both samples for a numeric column with more than 20 reference values, else one bin
 * per value); missing values are dropped first. `psiDeciles` is not a JSON key: it is what
 * `psi` holds when the monitor runs with `bins: 'deciles'` (or q reference quantiles).
 */
export const DRIFT_DEFINITIONS: Record<DriftMeasure | 'psiDeciles', DriftDefinition> = {
  psi: { label: 'PSI', formula: 'Σᵢ (rᵢ − cᵢ) ln(rᵢ / cᵢ); an empty bin’s share becomes 0.0001, or (smallest non-zero share) / 10⁶ when that is ≤ 0.0001', plain: 'How far the spread of values has moved (0 = unchanged; 0.1 moderate, 0.25 major).', convention: "Evidently's psi stattest, drift at ≥ 0.1", unit: 'number', for: 'all', digits: 4 },
  jensenShannon: { label: 'Jensen–Shannon distance', formula: '√(½ KL(r ‖ m) + ½ KL(c ‖ m)), m = (r + c) / 2, natural log, without the empty-bin replacement', plain: 'How different the two spreads of values are, from 0 (the same) to √ln 2 ≈ 0.83 (nothing in common).', convention: "scipy's jensenshannon; Evidently's jensenshannon stattest, drift at ≥ 0.1", unit: 'number', for: 'all', digits: 4 },
  wasserstein: { label: 'Wasserstein (normed)', formula: 'W₁(ref, cur) / max(σ_ref, 0.001): the area between the two empirical CDFs over the reference’s standard deviation (ddof 0)', plain: 'How far values have moved, in reference standard deviations.', convention: "scipy's wasserstein_distance; Evidently's wasserstein stattest, drift at ≥ 0.1", unit: 'number', for: 'numeric', digits: 4 },
  ksPValue: { label: 'KS p-value', formula: 'two-sided two-sample Kolmogorov–Smirnov p-value (exact up to 10,000 values per side, else the Kolmogorov distribution)', plain: 'How likely so large a gap between the two distributions is by chance alone (small = drift).', convention: "scipy's ks_2samp, mode 'auto'; Evidently's ks stattest, drift below 0.05", unit: 'number', for: 'numeric', digits: 4 },
  chiSquarePValue: { label: 'χ² p-value', formula: 'Pearson χ² over the values of both samples, expected = reference count × n_cur / n_ref, p from χ² with k − 1 degrees of freedom; a value the reference never had gives p = 0', plain: 'How likely so large a change in the categories’ shares is by chance alone (small = drift).', convention: "scipy's chisquare; Evidently's chisquare stattest, drift below 0.05", unit: 'number', for: 'categorical', digits: 4 },
  psiDeciles: { label: 'PSI (reference deciles)', formula: 'PSI over bins cut at the reference’s deciles (or q-quantiles), (q₁, q₂] and open at both ends, so each holds about 10 % of the reference', plain: 'How far the spread of values has moved, over ten equally filled reference bins.', convention: 'the credit-risk convention: 0.1 moderate, 0.25 major', unit: 'number', for: 'numeric', digits: 4 },
};

/** PSI's definition for numeric columns binned as asked: 'evidently' (default), 'deciles' or q reference quantiles. */
export function psiDefinition(bins: unknown): DriftDefinition {
  if (bins === 'deciles') return DRIFT_DEFINITIONS.psiDeciles;
  if (typeof bins === 'number') return { ...DRIFT_DEFINITIONS.psiDeciles, label: `PSI (${bins} reference quantiles)` };
  return DRIFT_DEFINITIONS.psi;
}

/** Whether a key names a drift measure of the monitoring JSON. */
export function isDriftMeasure(key: string): key is DriftMeasure {
  return (DRIFT_MEASURES as readonly string[]).includes(key);
}

/** The definition of a metric, disparity or drift key, or undefined for an unknown key. */
export function definitionOf(key: string): Definition | undefined {
  return METRIC_DEFINITIONS[key] ?? DISPARITY_DEFINITIONS[key] ?? (isDriftMeasure(key) ? DRIFT_DEFINITIONS[key] : undefined);
}

/** The display label of a key ('selection rate'), or the key itself when it is not in the table. */
export function labelOf(key: string): string {
  return definitionOf(key)?.label ?? key;
}

/** How a key's values are shown; 'number' for a key not in the table. */
export function unitOf(key: string): MetricUnit {
  return definitionOf(key)?.unit ?? 'number';
}

/** Whether a metric is a share shown as a percentage (its differences are percentage points). */
export function isPercentMetric(key: string): boolean {
  return unitOf(key) === 'percent';
}

/**
 * Why a value is undefined (or, in fairlearn-compatible mode, substituted), one phrase per
 * reason code, worded to complete "undefined (…)". Codes come from the metric frame (rates),
 * the disparities, the inequality indices, the explanations and the CLI.
 */
export const REASON_TEXT: Record<string, string> = {
  // per-group rates (confusion.ts)
  'no-positives': 'no lead in this group converted',
  'no-negatives': 'every lead in this group converted',
  'no-predicted-positives': 'the model selects nobody in this group',
  'no-predicted-negatives': 'the model selects everybody in this group',
  'empty-group': 'the group has no leads',
  'one-class': 'only one outcome occurs in this group',
  // comparisons between groups (disparities.ts)
  'no-reference': 'no reference group is set',
  'reference-undefined': "the reference group's value is itself undefined",
  'reference-zero': "the reference group's value is 0, and nothing can be divided by 0",
  'group-undefined': "this group's value is undefined",
  'fewer-than-two-groups': 'fewer than two groups have a value',
  'no-defined-groups': 'no group has a value',
  'zero-max': 'every group has a value of 0',
  'overall-undefined': 'the overall value is undefined',
  'overall-zero': 'the overall value is 0',
  'small-group': 'the group is smaller than the minimum group size',
  'no-large-groups': 'no group with a value has the minimum number of leads',
  // inequality indices (inequality.ts)
  empty: 'there are no leads',
  'zero-mean': 'the mean benefit is 0',
  infinite: 'the index is infinite',
  // explanations and importance
  'empty-comparison-group': 'one of the two groups has no explained leads',
  'not-finite': 'the computation gave no number',
  // the CLI's --prediction audits
  'no-scores': 'only decisions were given, no scores',
};

/** The plain reason for a code, or the code itself when unknown. */
export function reasonText(reason: string | undefined): string {
  if (!reason) return 'no reason recorded';
  return REASON_TEXT[reason] ?? reason;
}
