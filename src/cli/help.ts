/**
 * The CLI's help: one usage text per command (`bias-workbench audit --help`,
 * `bias-workbench help audit`) and all of them together (`bias-workbench --help`).
 */

export const COMMANDS = ['score', 'audit', 'explain', 'importance', 'compare', 'generate', 'simulate', 'workshop', 'log', 'sql', 'monitor', 'report'] as const;
export type CommandName = (typeof COMMANDS)[number];

export function isCommand(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}

const USAGE: Record<CommandName, string> = {
  score: `  bias-workbench score --data FILE --model model.json|model.onnx [--manifest FILE] [--out FILE]
      Score every row of a CSV with a TensorFlow.js Layers model or an ONNX model
      (scikit-learn, XGBoost, LightGBM exports). Writes the input rows as CSV with a
      "score" column (P(positive)) appended, to --out or standard output. The manifest
      defaults to model.manifest.json beside the model; for NAME.onnx, NAME.manifest.json
      first (docs/model-manifest.md).`,

  audit: `  bias-workbench audit --data FILE --target COL --positive VALUE --protected COL[,COL...]
                       (--score COL | --prediction COL | --model model.json|model.onnx [--manifest FILE])
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
      T in [0, 1] (default: the manifest's, else 0.5), --top-k K (K ≥ 1) or --top-percent P
      (0 < P ≤ 100). --bootstrap N ≥ 0 resamples (seed S), --confidence-level in (0, 1)
      (default 0.95), --min-group-size N ≥ 1 (default 30). --bins cuts a numeric protected
      column (repeatable); one with more than 20 distinct values needs it.
      --format html writes one self-contained report file.

  bias-workbench audit --counts FILE --target COL --positive VALUE --protected COL[,COL...]
                       (--score COL | --prediction COL) [--count COL] [--weight COL]
                       [other audit flags, no --model]
      The same audit from a counts table (one row per cell: the protected values, a score
      or 0/1 decision, the label, the row count n (--count, default n) and, with --weight,
      the cell's weight sum), as bias-workbench sql's query returns it. The numbers equal
      the row-level audit's (docs/scale.md); a top-k or top-% cut that falls among rows of
      one score is refused (counts do not keep the row order that breaks such ties).`,

  explain: `  bias-workbench explain --data FILE --model model.json|model.onnx [--manifest FILE]
                         [--rows N | --rows-from FILE] [--background N | --background-from FILE]
                         [--method auto|exact|permutation] [--permutations P]
                         [--sampling orthogonal|antithetic] [--threads N|auto]
                         [--output probability|logit] [--seed S] [--format json|csv] [--out FILE]
      Shapley values per manifest column for the first N rows of --data (default 100) or every
      row of --rows-from, against N background rows sampled from --data (default 100, seeded)
      or the rows of --background-from. auto = exact up to 10 columns, else permutation
      (default 10 permutations; orthogonal sampling, or shap's antithetic). --threads: worker
      threads (default auto: one per core when the work is large); the values do not depend on it.
      baseValue + sum(values) = prediction for every row.`,

  importance: `  bias-workbench importance --data FILE --model model.json|model.onnx [--manifest FILE] --target COL
                            --positive VALUE [--protected COL] [--bins COL=cuts] [--weight COL]
                            [--score accuracy|auc|logloss|demographic-parity|equalized-odds]
                            [--threshold T] [--repeats N] [--seed S] [--format json] [--out FILE]
      Permutation importance of each manifest column (default accuracy, 5 repeats), sorted by
      mean. The fairness scores need --protected; positive = the column creates disparity.`,

  compare: `  bias-workbench compare --data FILE --target COL --positive VALUE --protected COL[,COL...]
                         [--bins COL=cuts] [--weight COL]
                         (--model model.json|model.onnx [--manifest FILE] |
                          --train logistic|mlp [--include-protected] [--exclude COL,...]
                          [--epochs N] | --model FILE --train logistic|mlp [--epochs N])
                         --scenarios scenarios.json [--seed S] [--bootstrap N]
                         [--format json|html] [--out FILE]
      What-if mitigation scenarios (drop-features, neutralise, reweigh, resample,
      group-thresholds, constraint, relabel), each evaluated on one seeded held-out split (30%,
      stratified by label × group) shared by all. --model alone: the imported model as it
      is (retraining interventions are refused). --train: a workbench model retrained per
      scenario on every column but the target, the protected and weight columns (or, with
      --model, on the model's columns, whatever the model's own architecture). Default 20 epochs, seed 0, 200 bootstrap resamples.
      Writes held-out metrics, differences from the baseline scenario and the Pareto frontier
      (accuracy vs demographic parity difference); progress per scenario on standard error.
      examples/scenarios.json holds the app's standard scenarios.`,

  generate: `  bias-workbench generate [--leads N] [--seed S] [--representation a,b,c,d]
                          [--disfavoured metro|suburban|small-town|rural] [--base-rate-gap X]
                          [--historical-bias B] [--proxy-strength P] [--label-bias L] [--noise E]
                          [--truth] [--out FILE]
      Synthetic CRM leads with a known truth, as CSV (to --out or standard output): lead
      source, channel, engagement, income band, product interest, region, town_size (the
      audited attribute), zip3 (its proxy), age_band, gender, called (past calls), converted
      (what the CRM recorded) and, with --truth, converted_true (the true outcome). Knobs:
      --leads N ≥ 1 (default 20000), --seed S (default 1), --representation: the share of
      metro, suburban, small-town and rural leads (default 0.45,0.3,0.15,0.1, summing to 1),
      --disfavoured: the group the biases act on (default small-town), --base-rate-gap X:
      its true conversion rate minus the others' 12% (default 0), --historical-bias B in
      [0, 1]: how much less past reps called it (default 0.6), --proxy-strength P in [0, 1]:
      how well zip3 reveals town size (default 0.8), --label-bias L in [0, 1]: share of its
      conversions never recorded (default 0), --noise E in [0, 1]: share of the propensity
      no column explains (default 0.3). A summary per town size goes to standard error.`,

  simulate: `  bias-workbench simulate [--leads N] [--rounds R] [--capacity C] [--historical-bias B]
                          [--proxy-strength P] [--base-rate-gap X] [--label-bias L] [--noise E]
                          [--representation a,b,c,d] [--disfavoured GROUP] [--exploration X]
                          [--label-policy negative|unknown]
                          [--mitigation none|exploration|reweigh|group-thresholds]
                          [--rep-follow F] [--model logistic|mlp] [--epochs N] [--seed S]
                          [--format json|html] [--out FILE]
      The feedback loop, round by round: a model trained on the history scores a fresh batch
      of N leads, the top C share (default 0.2) is called, outcomes are recorded for called
      leads only, the model is retrained on what was recorded, R times (default 8). Knobs as
      for generate. --label-policy: uncalled leads recorded as not converted (negative,
      default) or left out of training (unknown). --mitigation: exploration (a share X of the
      calls at random, default 0.1; --exploration X alone implies it), reweigh (Kamiran–
      Calders weights by town size × outcome), group-thresholds (equal selection rates per
      town size). --rep-follow F in [0, 1]: how often reps call the listed lead rather than
      their own pick (default 1). Per round and town size: selection rate, true and recorded
      conversion rates, missed conversions, share of the training rows; overall: demographic
      parity difference, equal opportunity difference on true outcomes, accuracy and ROC AUC
      on true and recorded outcomes. JSON (format bias-workbench.simulation/1) or one HTML
      report; progress per round on standard error.`,

  workshop: `  bias-workbench workshop summarize --results FILE [FILE...] [--format json|html]
                                   [--confidence-level L] [--out FILE]
      The facilitator's debrief from participants' results files (bias-workbench.workshop-
      result/1, docs/workshop.md), the same numbers as the page's debrief. Per condition
      (score hidden, score shown, score explained, circuit breaker): decisions, accuracy,
      how often people followed the model when it was wrong and when it was right, override
      and escalation rates, and the demographic parity difference of people's calls; human +
      model against the model alone and the human alone; Wilson intervals at level L in
      (0, 1) (default 0.95). A value with an empty denominator is null with its reason.
      JSON (default) or one HTML report in large type for a projector. A participant given
      twice is counted once; warnings go to standard error as notes. A file that cannot be
      read or is not a results file exits 1 naming the file.`,

  log: `  bias-workbench log verify --log FILE [--head HASH]
      Checks a decision log (bias-workbench.decision-log/1: JSON Lines, as the Oversight tab
      exports it): each entry's hash against its contents (SHA-256 of its RFC 8785 canonical
      JSON) and its place in the chain (seq from 1, prevHash = the previous entry's hash).
      Exit 0 on an intact log, printing the entry count and the head hash; exit 1 naming the
      first entry that was edited, deleted, inserted or reordered, or the first line that is
      not JSON. Removing the newest entries leaves an intact shorter log: --head HASH (a head
      recorded earlier) also requires the log to end there. See docs/oversight.md.`,

  sql: `  bias-workbench sql --dialect duckdb|spark|bigquery --table T --target COL --positive VALUE
                     --protected COL[,COL...] (--score COL | --prediction COL) [--weight COL]
                     [--round DIGITS] [--out FILE]
      Prints the one GROUP BY query that turns a warehouse table of scored rows into the
      counts table audit --counts reads: the protected columns, the score (rounded to
      DIGITS decimals with --round: fewer cells, and the audit of the rounded scores), the
      label (1 where the target as text equals VALUE), COUNT(*) AS n and SUM(weight). Run it
      on the warehouse and bring back only the counts (docs/scale.md).`,
  monitor: `  bias-workbench monitor --reference FILE --current FILE (--model model.json|model.onnx [--manifest FILE] | --score COL)
                         --target COL --positive VALUE --protected COL[,COL...]
                         [--bins evidently|deciles|N] [--bins COL=c1,c2,...]
                         [--time-column COL --window week|month|quarter] [--policy policy.json]
                         [--format json|html] [--out FILE]
      Drift between a reference and a current CSV: per column PSI, Jensen–Shannon distance,
      normed Wasserstein and KS p-value (numeric), chi-square p-value (categorical), missing
      values and unseen categories, as Evidently's stattests define them; the same for the
      scores and each group's selection rate. --bins: PSI's bins (evidently = Sturges or one
      per value, the default; deciles or N = reference quantiles); COL=cuts bins a numeric
      protected column. --time-column: ISO dates in the current data, audited per --window
      (default month) with drift of each window. --policy: the committee's rules
      (bias-workbench.policy/1); exit 3 when one breaks, each named on standard error.
      See docs/monitoring.md.`,
  report: `  bias-workbench report --project FILE [flags below, to change its settings]
  bias-workbench report --data FILE (--model model.json [--manifest FILE] | --score COL)
                        --target COL --positive VALUE --protected COL[,COL...] [--bins COL=cuts]
                        [--weight COL] [--threshold T | --top-k K | --top-percent P]
                        [--intersections] [--bootstrap N] [--seed S] [--min-group-size N]
                        [--scenarios RESULTS.json [--chosen NAME]] [--policy FILE]
                        [--log FILE] [--workshop SUMMARY.json] [--system TEXT] [--purpose TEXT]
                        [--use TEXT] [--affected TEXT] [--owner TEXT] [--why COL=TEXT]
                        [--oversight TEXT] [--monitoring TEXT] [--k N] [--quasi COL,...]
                        [--identifiers drop|hash] [--importance-repeats N]
                        [--format html|json] [--out FILE]
      The algorithmic impact assessment (docs/report.md): system and purpose, data
      (provenance, profile, representation), protected attributes and why, the model (file
      hashes, manifest), performance, fairness by group with intervals (--bootstrap, default
      200) and definitions, explanations (proxies; permutation importance with --model,
      --importance-repeats, default 3, 0 skips it), mitigations (--scenarios: compare's JSON
      output; --chosen: the scenario adopted, with its accuracy cost), residual risks, human
      oversight (--log: a decision log; --workshop: a debrief), monitoring (--policy),
      privacy, reproducibility and sign-off. One self-contained HTML file (default; no
      script, no request, prints to A4) or its JSON twin (bias-workbench.assessment/1).
      Groups with fewer than k rows (--k, default 10) are shown as "fewer than k" with their
      rates withheld, with complementary suppression; identifier-like columns are dropped (or
      pseudonymised with --identifiers hash); k-anonymity is checked over the protected and
      --quasi columns. --project FILE: a project file saved by the page (with its data) gives the
      data, model, roles, rule and audit options; flags given after it win.`,
};

const HEADER = 'bias-workbench — fairness audits of lead-scoring models, offline.';
const FOOTER = `Exit status: 0 on success, 1 on bad input (with a one-line reason), 2 on bad usage.
Notes about the input (imputed values, rows in no group, …) go to standard error as
"bias-workbench: note: …". Nothing is sent anywhere: the CLI reads and writes local files
only. See docs/cli.md.`;

/** Every command's usage: the text of `bias-workbench --help`. */
export function globalHelp(): string {
  return `${HEADER}

Usage:
${COMMANDS.map((c) => USAGE[c]).join('\n\n')}

  bias-workbench <command> --help   one command's usage
  bias-workbench --help             this text
  bias-workbench --version          the version

${FOOTER}`;
}

/** One command's usage: the text of `bias-workbench <command> --help`. */
export function commandHelp(command: CommandName): string {
  return `Usage:
${USAGE[command]}

${FOOTER}`;
}
