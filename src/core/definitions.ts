/**
 * Every number the audit shows, traced to its definition: one plain formula, one sentence a
 * workshop participant understands, and the peer convention it follows. Used by the page
 * (tooltips and "definition" disclosures), the CLI's JSON and the HTML report.
 *
 * Notation: TP, FP, TN, FN are weighted confusion counts at the decision rule; P = TP + FN,
 * N = FP + TN; ŷ = 1 for a selected lead; w = sample weights (1 when absent).
 */
export interface Definition {
  label: string;
  formula: string;
  plain: string;
  convention?: string;
}

export const METRIC_DEFINITIONS: Record<string, Definition> = {
  count: { label: 'leads', formula: 'number of rows in the group (unweighted)', plain: 'How many leads are in this group.' },
  weightSum: { label: 'weighted size', formula: 'Σ w', plain: 'The group size after sample weights.' },
  baseRate: { label: 'base rate', formula: 'P / (P + N)', plain: 'Share of the group that actually converted.' },
  selectionRate: { label: 'selection rate', formula: '(TP + FP) / (P + N)', plain: 'Share of the group the model selects (would call).', convention: 'fairlearn selection_rate' },
  truePositiveRate: { label: 'true positive rate', formula: 'TP / P', plain: 'Of the leads that converted, the share the model selected (recall).', convention: 'undefined when P = 0 (fairlearn reports 0)' },
  falsePositiveRate: { label: 'false positive rate', formula: 'FP / N', plain: 'Of the leads that did not convert, the share the model selected anyway.', convention: 'undefined when N = 0 (fairlearn reports 0)' },
  falseNegativeRate: { label: 'false negative rate', formula: 'FN / P', plain: 'Of the leads that converted, the share the model passed over.' },
  trueNegativeRate: { label: 'true negative rate', formula: 'TN / N', plain: 'Of the leads that did not convert, the share the model passed over.' },
  precision: { label: 'precision (PPV)', formula: 'TP / (TP + FP)', plain: 'Of the leads selected, the share that converted.', convention: 'undefined when nobody is selected (sklearn zero_division=0 reports 0)' },
  negativePredictiveValue: { label: 'negative predictive value', formula: 'TN / (TN + FN)', plain: 'Of the leads passed over, the share that indeed did not convert.' },
  falseDiscoveryRate: { label: 'false discovery rate', formula: 'FP / (TP + FP)', plain: 'Of the leads selected, the share that did not convert.' },
  falseOmissionRate: { label: 'false omission rate', formula: 'FN / (TN + FN)', plain: 'Of the leads passed over, the share that would have converted.' },
  accuracy: { label: 'accuracy', formula: '(TP + TN) / (P + N)', plain: 'Share of leads the decision got right.' },
  balancedAccuracy: { label: 'balanced accuracy', formula: '(TPR + TNR) / 2', plain: 'Accuracy that counts converters and non-converters equally.' },
  rocAuc: { label: 'ROC AUC', formula: 'P(score of a random converter > score of a random non-converter), ties ½', plain: 'How well the score ranks converters above non-converters, whatever the threshold.', convention: 'sklearn roc_auc_score (weighted); undefined for a one-class group' },
  brierScore: { label: 'Brier score', formula: 'Σ w (score − y)² / Σ w', plain: 'Mean squared gap between the score and the outcome (lower is better).' },
  meanScore: { label: 'mean score', formula: 'Σ w·score / Σ w', plain: 'Average score the model gives the group.' },
  expectedCalibrationError: { label: 'expected calibration error', formula: 'Σ_bins (w_bin / w) |observed rate − mean score| over 10 equal-width bins', plain: 'How far the scores are from the conversion rates they promise.' },
};

export const DISPARITY_DEFINITIONS: Record<string, Definition> = {
  demographicParityDifference: { label: 'demographic parity difference', formula: 'max_g SR_g − min_g SR_g', plain: 'Largest gap in selection rate between groups (0 = equal).', convention: 'fairlearn, unsigned, between groups' },
  demographicParityRatio: { label: 'demographic parity ratio', formula: 'min_g SR_g / max_g SR_g', plain: 'Smallest group selection rate as a share of the largest (1 = equal).', convention: 'fairlearn' },
  disparateImpact: { label: 'disparate impact', formula: 'min_g SR_g / max_g SR_g (= demographic parity ratio)', plain: 'Selection rate of the least-selected group relative to the most-selected one.', convention: 'the four-fifths rule passes when ≥ 0.8' },
  equalOpportunityDifference: { label: 'equal opportunity difference', formula: 'max_g TPR_g − min_g TPR_g', plain: 'Largest gap between groups in the share of converters the model finds.', convention: 'fairlearn; groups with no converters are left out (fairlearn counts them as 0)' },
  equalOpportunityRatio: { label: 'equal opportunity ratio', formula: 'min_g TPR_g / max_g TPR_g', plain: 'Smallest group TPR as a share of the largest.' },
  equalizedOddsDifference: { label: 'equalized odds difference', formula: 'worst case: max(ΔTPR, ΔFPR); mean: (ΔTPR + ΔFPR) / 2, Δ = max − min over groups', plain: 'Largest gap between groups in finding converters or in wrongly selecting non-converters.', convention: "fairlearn's agg='worst_case' | 'mean'" },
  equalizedOddsRatio: { label: 'equalized odds ratio', formula: 'worst case: min(TPR ratio, FPR ratio); mean: their mean', plain: 'The worse of the TPR and FPR ratios between groups.' },
  averageOddsDifference: { label: 'average odds difference', formula: '½[(FPR_g − FPR_ref) + (TPR_g − TPR_ref)]', plain: 'Signed: how much more (positive) or less a group is selected than the reference, averaged over converters and non-converters.', convention: 'AIF360, unprivileged (g) minus privileged (reference)' },
  averageAbsOddsDifference: { label: 'average absolute odds difference', formula: '½[|FPR_g − FPR_ref| + |TPR_g − TPR_ref|]', plain: 'Unsigned version of the average odds difference.', convention: 'AIF360' },
  predictiveParityDifference: { label: 'predictive parity difference', formula: 'max_g PPV_g − min_g PPV_g', plain: 'Largest gap between groups in the share of selected leads that convert.' },
  predictiveParityRatio: { label: 'predictive parity ratio', formula: 'min_g PPV_g / max_g PPV_g', plain: 'Smallest group precision as a share of the largest.' },
  aucGap: { label: 'AUC gap', formula: 'max_g AUC_g − min_g AUC_g', plain: 'How much better the score ranks leads in one group than in another.' },
  calibrationGap: { label: 'calibration gap', formula: 'max_g ECE_g − min_g ECE_g', plain: 'How much worse the scores match reality in one group than in another.' },
  theilIndex: { label: 'Theil index', formula: '(1/n) Σ (b_i/μ) ln(b_i/μ), b_i = ŷ_i − y_i + 1', plain: 'Inequality of individual benefit across all leads (0 = everyone treated alike).', convention: 'AIF360 generalized entropy index with α = 1; unweighted, as AIF360' },
  generalizedEntropyIndex: { label: 'generalized entropy index', formula: 'mean((b/μ)^α − 1) / (α(α − 1))', plain: 'A family of inequality measures of individual benefit; α = 2 by default.', convention: 'AIF360 (α = 0 reproduces its extra 1/μ factor)' },
  betweenGroupTheilIndex: { label: 'between-group Theil index', formula: 'Theil index with each b_i replaced by its group mean', plain: 'The part of the inequality that lies between groups.' },
};

export function definitionOf(key: string): Definition | undefined {
  return METRIC_DEFINITIONS[key] ?? DISPARITY_DEFINITIONS[key];
}
