import { memo, useEffect, useMemo, useReducer, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { DecisionRule, MetricFrame, AttributeResult, Disparity, Aggregate } from '../../core/metrics';
import type { SliceMetric, Slice, SlicePredicate } from '../../core/slices';
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS, labelOf, reasonText } from '../../core/definitions';
import { count, describeDecision, formatInterval, formatMetric, num, pct, points, undefinedText, valueOf, type Shown } from '../../core/format';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { LightChart } from './LightChart';
import { ProblemBanner } from './ProblemBanner';
import { Provenance } from './Provenance';
import * as charts from '../../charts';
import { useDelayedFlag, useLatestCall } from '../hooks';
import { attributeLabel } from '../attributes';
import { downloadFiles } from '../download';
import { ReportDialog } from './ReportDialog';
import type { PageReportSources } from '../../client/report-inputs';

type Frame = MetricFrame & { ms: number };
interface CurvesResult {
  attribute: string;
  levels: string[];
  sweep: Parameters<typeof charts.selectionVsThresholdSpec>[0];
  roc: ({ level: string } & Parameters<typeof charts.rocCurvesSpec>[0][number])[];
}

const TABLE_METRICS = [
  'selectionRate',
  'truePositiveRate',
  'falsePositiveRate',
  'falseNegativeRate',
  'precision',
  'negativePredictiveValue',
  'accuracy',
  'balancedAccuracy',
  'rocAuc',
  'brierScore',
  'expectedCalibrationError',
] as const;

/** The headline disparities shown for the chosen attribute (between-group values). */
function aggregateRows(named: AttributeResult['disparities']['named']): [string, Aggregate][] {
  return [
    ['demographicParityDifference', named.demographicParityDifference],
    ['demographicParityRatio', named.demographicParityRatio],
    ['equalOpportunityDifference', named.equalOpportunityDifference],
    ['equalOpportunityRatio', named.equalOpportunityRatio],
    ['equalizedOddsDifference', named.equalizedOddsDifference.worstCase],
    ['equalizedOddsRatio', named.equalizedOddsRatio.worstCase],
    ['predictiveParityDifference', named.predictiveParityDifference],
    ['aucGap', named.aucGap],
    ['calibrationGap', named.calibrationGap],
  ];
}

function DisparityRow({ name, d }: { name: string; d: { value: number | null; reason?: string; interval?: Disparity['interval'] } }) {
  const def = DISPARITY_DEFINITIONS[name];
  return (
    <tr data-testid={`disparity-${name}`}>
      <th scope="row">
        <details>
          <summary>{def?.label ?? name}</summary>
          <p className="definition">
            <code>{def?.formula}</code> — {def?.plain} {def?.convention && <em>({def.convention})</em>}
          </p>
        </details>
      </th>
      <td className="num">{d.value === null ? <span title={reasonText(d.reason)}>{undefinedText(d.reason)}</span> : formatMetric(name, d.value)}</td>
      <td className="num ci">{d.interval ? formatInterval(name, d.interval.lower, d.interval.upper) : ''}</td>
    </tr>
  );
}

/** Audit options: everything but the decision rule and the attribute (those are the session's). */
interface Options {
  fairlearnCompatible: boolean;
  minGroupSize: number;
  resamples: number;
  intersections: boolean;
  references: Record<string, string | null>;
}

type OptionAction = { [K in keyof Options]: { key: K; value: Options[K] } }[keyof Options];

function reduceOptions(o: Options, a: OptionAction): Options {
  return { ...o, [a.key]: a.value };
}

const initialOptions: Options = { fairlearnCompatible: false, minGroupSize: 30, resamples: 200, intersections: true, references: {} };

/** Options a project kept, each taken where it has the right type (else the default). */
function optionsFrom(saved: Record<string, unknown> | undefined): Options {
  const o = { ...initialOptions };
  if (!saved) return o;
  if (typeof saved.fairlearnCompatible === 'boolean') o.fairlearnCompatible = saved.fairlearnCompatible;
  if (Number.isInteger(saved.minGroupSize) && (saved.minGroupSize as number) >= 1) o.minGroupSize = saved.minGroupSize as number;
  if (Number.isInteger(saved.resamples) && (saved.resamples as number) >= 0) o.resamples = saved.resamples as number;
  if (typeof saved.intersections === 'boolean') o.intersections = saved.intersections;
  if (saved.references && typeof saved.references === 'object') o.references = saved.references as Options['references'];
  return o;
}

/** A whole number in [lo, hi] from an input's text, or null. */
function wholeIn(text: string, lo: number, hi: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const v = Number(text);
  return v >= lo && v <= hi ? v : null;
}

/** The decision-rule controls: the rule, and its threshold, k or p (validated before use). */
function DecisionControls({ decision, onDecision, nRows, defaultThreshold }: { decision: DecisionRule; onDecision: (d: DecisionRule) => void; nRows: number; defaultThreshold: number }) {
  const [kText, setKText] = useState(String(decision.rule === 'top-k' ? decision.k : Math.min(200, nRows)));
  const [pText, setPText] = useState(String(decision.rule === 'top-percent' ? decision.percent : 10));
  const k = wholeIn(kText, 1, nRows);
  const p = /^\s*\d+(\.\d+)?\s*$/.test(pText) && Number(pText) > 0 && Number(pText) <= 100 ? Number(pText) : null;
  const threshold = decision.rule === 'threshold' ? decision.threshold : defaultThreshold;
  return (
    <>
      <label title="How leads are selected: a score threshold, a fixed call list (top k), or the top p %.">
        Decision{' '}
        <select
          value={decision.rule}
          data-testid="rule-select"
          onChange={(e) => {
            const r = e.target.value as DecisionRule['rule'];
            if (r === 'threshold') onDecision({ rule: 'threshold', threshold });
            else if (r === 'top-k') onDecision({ rule: 'top-k', k: k ?? Math.min(200, nRows) });
            else onDecision({ rule: 'top-percent', percent: p ?? 10 });
          }}
        >
          <option value="threshold">score threshold</option>
          <option value="top-k">call list: top k leads</option>
          <option value="top-percent">top p %</option>
        </select>
      </label>
      {decision.rule === 'threshold' && (
        <label className="slider" title="Leads scoring at or above the threshold are selected (called).">
          Threshold <strong data-testid="threshold-value">{num(decision.threshold, 2)}</strong>
          <input
            type="range"
            min={0.01}
            max={0.99}
            step={0.01}
            value={decision.threshold}
            data-testid="threshold"
            onChange={(e) => onDecision({ rule: 'threshold', threshold: Number(e.target.value) })}
          />
        </label>
      )}
      {decision.rule === 'top-k' && (
        <label>
          k{' '}
          <input
            type="number"
            min={1}
            max={nRows}
            value={kText}
            aria-invalid={k === null}
            aria-describedby="top-k-error"
            data-testid="top-k"
            onChange={(e) => {
              setKText(e.target.value);
              const v = wholeIn(e.target.value, 1, nRows);
              if (v !== null) onDecision({ rule: 'top-k', k: v });
            }}
          />
          {k === null && (
            <span id="top-k-error" className="field-error" role="alert" data-testid="top-k-error">
              k must be a whole number from 1 to {count(nRows)}; the audit keeps k = {count(decision.k)}.
            </span>
          )}
        </label>
      )}
      {decision.rule === 'top-percent' && (
        <label>
          p{' '}
          <input
            type="number"
            min={0}
            max={100}
            step={0.5}
            value={pText}
            aria-invalid={p === null}
            aria-describedby="top-p-error"
            data-testid="top-percent"
            onChange={(e) => {
              setPText(e.target.value);
              const t = e.target.value;
              const v = /^\s*\d+(\.\d+)?\s*$/.test(t) && Number(t) > 0 && Number(t) <= 100 ? Number(t) : null;
              if (v !== null) onDecision({ rule: 'top-percent', percent: v });
            }}
          />{' '}
          %
          {p === null && (
            <span id="top-p-error" className="field-error" role="alert" data-testid="top-percent-error">
              p must be a number above 0 and at most 100; the audit keeps p = {decision.percent}.
            </span>
          )}
        </label>
      )}
    </>
  );
}

function Metric({ label, value, k, testId }: { label: string; value: Shown; k: string; testId: string }) {
  const def = METRIC_DEFINITIONS[k];
  return (
    <div className="metric" title={def ? `${def.formula} — ${def.plain}` : undefined}>
      <span className="label">{label}</span>
      <span className="value" data-testid={testId}>
        {formatMetric(k, value)}
      </span>
    </div>
  );
}

const GroupTable = memo(function GroupTable({ current, minGroupSize }: { current: AttributeResult; minGroupSize: number }) {
  return (
    <table className="groups" data-testid="group-table">
      <caption className="visually-hidden">Metrics per group of {attributeLabel(current.name)}</caption>
      <thead>
        <tr>
          <th scope="col">{attributeLabel(current.name)}</th>
          <th scope="col" title={METRIC_DEFINITIONS.count.plain}>
            leads
          </th>
          {TABLE_METRICS.map((k) => (
            <th scope="col" key={k} title={`${METRIC_DEFINITIONS[k].formula} — ${METRIC_DEFINITIONS[k].plain}`}>
              {METRIC_DEFINITIONS[k].label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {current.groups.map((g) => (
          <tr key={g.level} className={g.small ? 'small' : ''}>
            <th scope="row">
              {g.level}
              {g.isReference && <span className="tag">reference</span>}
              {g.small && (
                <span className="tag warn" title={`fewer than ${minGroupSize} leads: its rates are noisy and it is left out of the headline disparities`}>
                  small
                </span>
              )}
            </th>
            <td className="num">{count(g.count)}</td>
            {TABLE_METRICS.map((k) => {
              const r = g.metrics[k];
              const reason = g.undefinedReasons[k];
              return (
                <td key={k} className="num" title={valueOf(r) === null ? reasonText(reason ?? r.reason) : reason ? `fairlearn would give 0 here: ${reasonText(reason)}` : undefined}>
                  {formatMetric(k, r)}
                  {g.intervals?.[k] && <span className="ci">{formatInterval(k, g.intervals[k]!.lower, g.intervals[k]!.upper)}</span>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
});

/**
 * The audit of the loaded model on the loaded data. Memoised: its props change only with what it
 * shows (the rule, the attribute, the data, model and roles), so a progress message elsewhere in
 * the page (an explanation, a retraining, a save) never re-renders it.
 */
export const AuditPanel = memo(function AuditPanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  onAttribute: (a: string) => void;
  decision: DecisionRule;
  onDecision: (d: DecisionRule) => void;
  onExplainLead: (row: number) => void;
  /** what the impact-assessment report takes from the other tabs, read when its dialog opens */
  reportSources?: () => PageReportSources;
  /** the options as a project kept them (read at mount) */
  saved?: Record<string, unknown>;
  /** told of every change of the options, for the project to keep */
  onSaved?: (options: Record<string, unknown>) => void;
}) {
  const { session, dataset, model, roles, decision } = props;
  const [options, setOption] = useReducer(reduceOptions, props.saved, optionsFrom);
  const onSaved = props.onSaved;
  useEffect(() => onSaved?.({ ...options }), [options, onSaved]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const pair = { dataset: dataset.id, model: model.id };

  // 1. the audit at the current settings, newest wins, at most one request in flight
  const auditOptions = { decision, fairlearnCompatible: options.fairlearnCompatible, minGroupSize: options.minGroupSize, references: options.references, intersections: options.intersections };
  const key = JSON.stringify({ ...pair, roles, ...auditOptions });
  const fast = useLatestCall<Frame>(key, () => session.audit.call(undefined, (api) => api.audit({ ...pair, roles, ...auditOptions })));

  // 2. bootstrap intervals for the same settings once they have been still for a moment, on the
  //    jobs worker so the audit worker stays free for the next move
  const [withIntervals, setWithIntervals] = useState<{ key: string; frame: Frame } | null>(null);
  const settled = fast.resultKey === key && !fast.stale;
  useEffect(() => {
    if (!settled || options.resamples <= 0) return;
    let live = true;
    const timer = setTimeout(() => {
      session
        .onJobs(undefined, (api) => api.audit({ ...pair, roles, ...auditOptions, bootstrap: { resamples: options.resamples, seed: 1 } }))
        .then((frame) => live && setWithIntervals({ key, frame }))
        .catch(() => undefined);
    }, 350);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled, key, options.resamples]);
  const intervalsShown = withIntervals !== null && withIntervals.key === key && options.resamples > 0;
  const frame: Frame | null = intervalsShown ? withIntervals.frame : fast.result;
  // marked once an answer is overdue (see useDelayedFlag), so a quick answer never flickers
  const stale = useDelayedFlag(fast.stale || fast.resultKey !== key, 120);
  useEffect(() => {
    if (fast.error && fast.resultKey === key) setProblem(problemOf(fast.error));
    else if (!fast.error && fast.resultKey === key) setProblem(null);
  }, [fast.error, fast.resultKey, key]);

  const attributeNames = frame?.attributes.map((a) => a.name) ?? roles.protected.map((p) => p.column);
  const current = frame?.attributes.find((a) => a.name === props.attribute) ?? frame?.attributes[0] ?? null;

  // 3. curves for a single protected attribute (an intersection has none); these and the results
  // below arrive as transitions, each rendered apart from the audit's numbers (after a new model
  // the whole panel mounted and drew its curves in one long task)
  const curveAttr = roles.protected.find((p) => p.column === current?.name)?.column ?? null;
  const curvesCall = useLatestCall<CurvesResult>(
    curveAttr === null ? null : JSON.stringify({ ...pair, roles, curveAttr }),
    () => session.audit.call(undefined, (api) => api.curves({ ...pair, roles, attribute: curveAttr! })) as Promise<CurvesResult>,
    { transition: true },
  );
  const curves = curvesCall.result && curvesCall.result.attribute === current?.name ? curvesCall.result : null;

  // 4. the top of the call list and the scoring time, once per dataset/model/roles
  const leads = useLatestCall(JSON.stringify({ ...pair, roles }), () => session.audit.call(undefined, (api) => api.topLeads({ ...pair, roles, k: 20 })), { transition: true });
  const scoring = useLatestCall(JSON.stringify(pair), () => session.audit.call(undefined, (api) => api.score(pair)), { transition: true });
  // what the numbers rest on: imputed values, a target with more than two values, rows in no group
  const notes = useLatestCall(JSON.stringify({ ...pair, roles }), () => session.audit.call(undefined, (api) => api.inputNotes({ ...pair, roles })), { transition: true });

  async function exportReport() {
    try {
      const report = await session.audit.call(undefined, (api) => api.auditReport({ ...pair, roles, ...auditOptions, ...(options.resamples > 0 ? { bootstrap: { resamples: options.resamples, seed: 1 } } : {}) }));
      downloadFiles([{ name: 'bias-workbench-audit.json', data: new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n') }]);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  // the impact-assessment report (its own section, opened on request)
  const [reportOpen, setReportOpen] = useState(false);

  // 5. worst slices, on request; they carry the rule they were found at
  const [sliceMetric, setSliceMetric] = useState<SliceMetric>('selectionRate');
  const [slices, setSlices] = useState<{ settings: string; decision: DecisionRule; metric: SliceMetric; slices: Slice[]; overallRate: number; ms: number; searched: number } | null>(null);
  const [sliceBusy, setSliceBusy] = useState(false);
  const [sliceFrame, setSliceFrame] = useState<{ settings: string; description: string; frame: MetricFrame } | null>(null);
  const sliceSettings = JSON.stringify({ decision, roles });

  async function findSlices() {
    setSliceBusy(true);
    try {
      const r = await session.audit.call(undefined, (api) => api.slices({ ...pair, roles, decision, metric: sliceMetric }));
      setSlices({ ...r, settings: sliceSettings, decision, metric: sliceMetric });
      setSliceFrame(null);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSliceBusy(false);
    }
  }

  async function openSlice(s: { predicates: SlicePredicate[]; description: string }) {
    try {
      const f = await session.audit.call(undefined, (api) => api.sliceAudit({ ...pair, roles, decision, predicates: s.predicates, description: s.description }));
      setSliceFrame({ settings: sliceSettings, description: s.description, frame: f });
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  // Chart specs, each rebuilt only when its own inputs change. The two bar charts that depend on
  // the rule are light SVG charts (no Plotly), redrawn with every step of a drag; the threshold
  // line is a marker moved over the curves without redrawing them; the rest does not move.
  const disparitySpec = useMemo(() => (current ? charts.disparityBarsSpec(current, 'selectionRate', current.reference) : null), [current]);
  const groupSpec = useMemo(() => (current ? charts.groupMetricBarsSpec(current, ['selectionRate', 'truePositiveRate', 'falsePositiveRate']) : null), [current]);
  // calibration does not depend on the rule: rebuilt only when the bins themselves change
  const calibrationInput = current ? JSON.stringify(current.groups.map((g) => ({ level: g.level, bins: g.metrics.calibration }))) : null;
  const calibrationSpec = useMemo(() => (calibrationInput ? charts.calibrationSpec(JSON.parse(calibrationInput) as charts.CalibrationGroup[]) : null), [calibrationInput]);
  const thresholdSpec = useMemo(() => (curves ? charts.selectionVsThresholdSpec(curves.sweep, curves.levels, null) : null), [curves]);
  const thresholdMarker = decision.rule === 'threshold' ? { x: decision.threshold, label: `current threshold ${num(decision.threshold, 2)}` } : null;
  const rocSpec = useMemo(() => (curves ? charts.rocCurvesSpec(curves.roc) : null), [curves]);

  const o = frame?.overall.metrics;
  const fourFifths = current?.disparities.named.disparateImpact.fourFifthsRule;
  const di = current?.disparities.named.disparateImpact.betweenGroups;
  const trainedHere = model.origin === 'trained';
  const provenance = frame
    ? [
        `groups by ${current ? attributeLabel(current.name) : '—'}${options.intersections ? ' (intersections on)' : ''}`,
        frame.decision.rule ? describeDecision(frame.decision.rule) : 'given decisions',
        `model “${model.name}”`,
        `all ${count(frame.n)} rows of ${dataset.name}`,
        `groups under ${frame.minGroupSize} leads left out of the headline disparities`,
        frame.fairlearnCompatible ? 'Fairlearn-compatible zeros' : 'undefined rates shown as undefined',
      ]
    : [];

  return (
    <>
      <h2>2 · Audit</h2>
      {problem && <ProblemBanner problem={problem} testId="audit-problem" />}
      <div className="controls">
        <label>
          Groups by{' '}
          <select value={current?.name ?? ''} onChange={(e) => props.onAttribute(e.target.value)} data-testid="attribute-select">
            {attributeNames.map((n) => (
              <option key={n} value={n}>
                {attributeLabel(n)}
              </option>
            ))}
          </select>
        </label>
        <DecisionControls decision={decision} onDecision={props.onDecision} nRows={dataset.nRows} defaultThreshold={model.manifest.threshold ?? 0.5} />
      </div>
      <details className="options">
        <summary>Audit options</summary>
        <label title="Reproduce fairlearn's zeros for undefined rates, to match a notebook.">
          <input type="checkbox" checked={options.fairlearnCompatible} onChange={(e) => setOption({ key: 'fairlearnCompatible', value: e.target.checked })} data-testid="fairlearn-compatible" />{' '}
          Fairlearn-compatible (undefined rates become 0)
        </label>
        <label>
          <input type="checkbox" checked={options.intersections} onChange={(e) => setOption({ key: 'intersections', value: e.target.checked })} /> intersections of protected attributes
        </label>
        <label>
          minimum group size{' '}
          <input type="number" min={1} value={options.minGroupSize} onChange={(e) => setOption({ key: 'minGroupSize', value: Math.max(1, Number(e.target.value) | 0) })} data-testid="min-group-size" /> leads (smaller
          groups are shown but left out of the headline disparities)
        </label>
        <label>
          bootstrap resamples <input type="number" min={0} max={2000} value={options.resamples} onChange={(e) => setOption({ key: 'resamples', value: Math.min(2000, Math.max(0, Number(e.target.value) | 0)) })} /> (0 = no
          intervals)
        </label>
        {current && (
          <label>
            reference group for {attributeLabel(current.name)}{' '}
            <select value={options.references[current.name] ?? ''} onChange={(e) => setOption({ key: 'references', value: { ...options.references, [current.name]: e.target.value || null } })}>
              <option value="">largest group</option>
              {current.groups.map((g) => (
                <option key={g.level} value={g.level}>
                  {g.level}
                </option>
              ))}
            </select>
          </label>
        )}
      </details>
      {frame && o && current && (
        <div data-testid="audit" className={stale ? 'results stale' : 'results'} aria-busy={stale || undefined}>
          <Provenance items={provenance} stale={stale} staleText={`Updating for ${describeDecision(decision)}…`} testId="audit-provenance" />
          {notes.result && notes.result.length > 0 && (
            <div className="input-notes" data-testid="input-notes">
              <strong>About these inputs:</strong>
              <ul>
                {notes.result.map((n, i) => (
                  <li key={i}>{n.message}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="metrics">
            <Metric label="Accuracy" value={o.accuracy} k="accuracy" testId="metric-accuracy" />
            <Metric label="Precision" value={o.precision} k="precision" testId="metric-precision" />
            <Metric label="Recall (TPR)" value={o.truePositiveRate} k="truePositiveRate" testId="metric-recall" />
            <Metric label="ROC AUC" value={o.rocAuc} k="rocAuc" testId="metric-auc" />
            <Metric label="Selected" value={o.selectionRate} k="selectionRate" testId="metric-selection" />
            <div className="metric" title="Four-fifths rule on the selection rate, between groups large enough to count (see the caveat below)">
              <span className="label">Four-fifths rule</span>
              <span className={`value ${fourFifths?.pass === false ? 'fail' : ''}`} data-testid="four-fifths">
                {fourFifths?.pass === null || fourFifths === undefined ? 'undefined' : fourFifths.pass ? 'passes' : 'fails'}
              </span>
              <span className="sub">DI {num(di?.value ?? null)}</span>
            </div>
          </div>
          <p className="footnote" data-testid="audit-footnote">
            {count(frame.decision.selected)} of {count(frame.n)} leads selected
            {frame.decision.cutScore !== null && <> (lowest selected score {num(frame.decision.cutScore, 3)})</>} · computed in the worker in {Math.round(frame.ms)} ms
            {intervalsShown ? ` · ${frame.bootstrap?.resamples} bootstrap resamples, 95 % intervals` : options.resamples > 0 ? ' · intervals follow…' : ''}{' '}
            <button className="link" onClick={() => void exportReport()} data-testid="export-audit" title="The same JSON as bias-workbench audit --format json">
              Export the audit (JSON)
            </button>
            {' · '}
            <button className="link" onClick={() => setReportOpen(true)} data-testid="open-report" title="The algorithmic impact assessment as one HTML file and its JSON twin, anonymised first">
              Make the impact-assessment report
            </button>
          </p>
          <p className="footnote" data-testid="audit-rows">
            The audit scores every one of the {count(frame.n)} rows of {dataset.name} with this model.{' '}
            {trainedHere
              ? 'The model was trained here on part of these rows, so its accuracy on them is optimistic; Mitigate & compare evaluates on held-out rows only.'
              : 'If the model was trained on some of these rows, its accuracy on them is optimistic; Mitigate & compare evaluates on held-out rows only.'}
          </p>
          {reportOpen && (
            <ReportDialog session={session} pair={pair} roles={roles} audit={{ ...auditOptions, resamples: options.resamples }} datasetName={dataset.name} sources={props.reportSources} onClose={() => setReportOpen(false)} />
          )}
          <GroupTable current={current} minGroupSize={frame.minGroupSize} />
          <div className="grid2">
            <div>
              <h3>Disparities between groups of {attributeLabel(current.name)}</h3>
              <table className="disparities">
                <caption className="visually-hidden">Disparities between groups of {attributeLabel(current.name)}, with 95 % intervals when computed</caption>
                <thead>
                  <tr>
                    <th scope="col">disparity</th>
                    <th scope="col">value</th>
                    <th scope="col">interval</th>
                  </tr>
                </thead>
                <tbody>
                  {aggregateRows(current.disparities.named).map(([name, agg]) => (
                    <DisparityRow key={name} name={name} d={agg.betweenGroups} />
                  ))}
                  <DisparityRow name="theilIndex" d={frame.inequality.theilIndex} />
                  <DisparityRow name="betweenGroupTheilIndex" d={current.disparities.named.betweenGroupTheilIndex} />
                </tbody>
              </table>
              {fourFifths && <p className="caveat">{fourFifths.caveat}</p>}
              {current.notes.length > 0 && (
                <ul className="notes" data-testid="audit-notes">
                  {current.notes.map((n, i) => (
                    <li key={i}>{n.message}</li>
                  ))}
                </ul>
              )}
              <h4>Against the reference ({current.reference ?? 'none'})</h4>
              <table className="disparities">
                <thead>
                  <tr>
                    <th scope="col">group</th>
                    <th scope="col" title={DISPARITY_DEFINITIONS.averageOddsDifference.formula}>
                      average odds difference
                    </th>
                    <th scope="col">selection-rate ratio</th>
                  </tr>
                </thead>
                <tbody>
                  {current.disparities.named.averageOddsDifference.map((a) => {
                    const sr = current.disparities.perMetric.selectionRate.toReference.find((t) => t.level === a.level);
                    return (
                      <tr key={a.level}>
                        <th scope="row">{a.level}</th>
                        <td className="num">{a.value.value === null ? undefinedText(a.value.reason) : points(a.value.value)}</td>
                        <td className="num">{num(sr?.ratio.value ?? null)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {disparitySpec && <LightChart spec={disparitySpec} testId="disparity-chart" stale={stale} />}
          </div>
          <div className="grid2">
            {groupSpec && <LightChart spec={groupSpec} testId="group-chart" stale={stale} />}
            {thresholdSpec ? <LightChart spec={thresholdSpec} testId="threshold-chart" marker={thresholdMarker} /> : <p className="hint">Curves are drawn for single protected attributes.</p>}
          </div>
          <div className="grid2">
            {rocSpec && <LightChart spec={rocSpec} testId="roc-chart" />}
            {calibrationSpec && <LightChart spec={calibrationSpec} testId="calibration-chart" />}
          </div>
          <h3>Worst slices</h3>
          <p className="hint">Subgroups (protected attributes and the model's columns, up to three at a time) whose rate differs most from everyone else, with enough leads to count.</p>
          <div className="controls">
            <label>
              rate{' '}
              <select value={sliceMetric} onChange={(e) => setSliceMetric(e.target.value as SliceMetric)} data-testid="slice-metric">
                <option value="selectionRate">selection rate</option>
                <option value="truePositiveRate">true positive rate</option>
                <option value="falsePositiveRate">false positive rate</option>
                <option value="errorRate">error rate</option>
                <option value="precision">precision</option>
              </select>
            </label>
            <button onClick={() => void findSlices()} disabled={sliceBusy} data-testid="find-slices">
              {sliceBusy ? 'Searching…' : slices && slices.settings !== sliceSettings ? 'Search again at the current rule' : 'Find worst slices'}
            </button>
            {slices && (
              <span className="footnote">
                {count(slices.searched)} slices searched in {Math.round(slices.ms)} ms at {describeDecision(slices.decision)}; overall {labelOf(slices.metric)} {pct(slices.overallRate)}
              </span>
            )}
          </div>
          {slices && (
            <div className={slices.settings !== sliceSettings ? 'stale' : undefined} aria-busy={slices.settings !== sliceSettings || undefined}>
              {slices.settings !== sliceSettings && (
                <p className="stale-badge" data-testid="slices-stale">
                  Found at {describeDecision(slices.decision)}; the rule has changed since. Search again to update.
                </p>
              )}
              <table className="slices" data-testid="slice-list">
                <thead>
                  <tr>
                    <th scope="col">slice (open it to audit it against the rest)</th>
                    <th scope="col">leads</th>
                    <th scope="col">rate</th>
                    <th scope="col">rest</th>
                    <th scope="col">difference</th>
                    <th scope="col" title="two-proportion z score; |z| ≥ 2 shown">
                      z
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {slices.slices.map((s) => (
                    <tr key={s.description}>
                      <th scope="row">
                        <button className="link" onClick={() => void openSlice(s)} data-testid="open-slice">
                          {s.description}
                        </button>
                      </th>
                      <td className="num">{count(s.count)}</td>
                      <td className="num">{pct(s.rate)}</td>
                      <td className="num">{pct(s.complementRate)}</td>
                      <td className="num">{points(s.difference)}</td>
                      <td className="num">{num(s.z, 1)}</td>
                    </tr>
                  ))}
                  {slices.slices.length === 0 && (
                    <tr>
                      <td colSpan={6}>No slice differs significantly from the rest.</td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
          )}
          {sliceFrame && (
            <div className={sliceFrame.settings !== sliceSettings ? 'slice-audit stale' : 'slice-audit'} data-testid="slice-audit">
              <h4>
                {sliceFrame.description} against the rest{sliceFrame.settings !== sliceSettings && ' (at the previous rule: open it again to update)'}
              </h4>
              <table className="groups">
                <thead>
                  <tr>
                    <th scope="col">part</th>
                    <th scope="col">leads</th>
                    {TABLE_METRICS.slice(0, 7).map((k) => (
                      <th scope="col" key={k}>
                        {METRIC_DEFINITIONS[k].label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {sliceFrame.frame.attributes[0].groups.map((g) => (
                    <tr key={g.level}>
                      <th scope="row">{g.level}</th>
                      <td className="num">{count(g.count)}</td>
                      {TABLE_METRICS.slice(0, 7).map((k) => (
                        <td key={k} className="num" title={valueOf(g.metrics[k]) === null ? reasonText(g.metrics[k].reason) : undefined}>
                          {formatMetric(k, g.metrics[k])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>Top of the call list</h3>
          {leads.result && (
            <table className="leads" data-testid="lead-table">
              <thead>
                <tr>
                  <th scope="col">row</th>
                  <th scope="col">score</th>
                  <th scope="col">converted</th>
                  {roles.protected.map((p) => (
                    <th scope="col" key={p.column}>
                      {p.column}
                    </th>
                  ))}
                  <th scope="col">explain</th>
                </tr>
              </thead>
              <tbody>
                {leads.result.map((l) => (
                  <tr key={l.row}>
                    <th scope="row">{l.row + 1}</th>
                    <td className="num">{num(l.score, 3)}</td>
                    <td>{l.converted ? 'yes' : 'no'}</td>
                    {roles.protected.map((p) => (
                      <td key={p.column}>{l.groups[p.column]}</td>
                    ))}
                    <td>
                      <button onClick={() => props.onExplainLead(l.row)} data-testid="explain-lead" aria-label={`Why does lead ${l.row + 1} score ${num(l.score, 3)}?`}>
                        Why?
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {scoring.result && (
            <p className="footnote" data-testid="scoring">
              Scored {count(scoring.result.rows)} rows in a Web Worker in {Math.round(scoring.result.ms)} ms ({count(Math.round(scoring.result.rowsPerSecond))} rows/s).
            </p>
          )}
        </div>
      )}
    </>
  );
});
