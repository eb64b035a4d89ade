import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { asWorkbenchError, isAbortError } from '../../client/bridge';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { DecisionRule, MetricFrame, AttributeResult, Disparity, Aggregate } from '../../core/metrics';
import type { SliceMetric, Slice } from '../../core/slices';
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS } from '../../core/definitions';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { PlotlyChart } from './PlotlyChart';
import * as charts from '../../charts';
import { num, pct, valueOf, type Shown } from '../../core/format';
import { reasonText as explainReason } from '../../core/definitions';

type Frame = MetricFrame & { ms: number };
type Curves = CurvesResult;
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

const PERCENT = new Set(['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'falseNegativeRate', 'precision', 'negativePredictiveValue', 'accuracy', 'balancedAccuracy', 'baseRate']);

function problemOf(e: unknown): Problem {
  const w = asWorkbenchError(e);
  return { code: 'code' in w ? w.code : 'internal', message: w.message, hint: 'hint' in w ? w.hint : undefined };
}

function show(key: string, v: Shown): string {
  return PERCENT.has(key) ? pct(v) : num(v);
}

function interval(iv: { lower: number | null; upper: number | null } | undefined, key: string): string {
  if (!iv || iv.lower === null || iv.upper === null) return '';
  return PERCENT.has(key) ? `${(iv.lower * 100).toFixed(1)}–${(iv.upper * 100).toFixed(1)}` : `${iv.lower.toFixed(3)}–${iv.upper.toFixed(3)}`;
}

function DisparityRow({ name, d, percent }: { name: string; d: { value: number | null; reason?: string; interval?: Disparity["interval"] }; percent?: boolean }) {
  const def = DISPARITY_DEFINITIONS[name];
  const v = d.value;
  return (
    <tr data-testid={`disparity-${name}`}>
      <td>
        <details>
          <summary>{def?.label ?? name}</summary>
          <p className="definition">
            <code>{def?.formula}</code> — {def?.plain} {def?.convention && <em>({def.convention})</em>}
          </p>
        </details>
      </td>
      <td className="num">{v === null ? <span title={explainReason(d.reason)}>undefined</span> : percent ? `${(v * 100).toFixed(1)} pp` : v.toFixed(3)}</td>
      <td className="num ci">{d.interval && d.interval.lower !== null ? `[${(d.interval.lower * (percent ? 100 : 1)).toFixed(percent ? 1 : 3)}, ${((d.interval.upper ?? 0) * (percent ? 100 : 1)).toFixed(percent ? 1 : 3)}]` : ''}</td>
    </tr>
  );
}

function aggregateRows(named: AttributeResult['disparities']['named']) {
  const rows: [string, Aggregate, boolean][] = [
    ['demographicParityDifference', named.demographicParityDifference, true],
    ['demographicParityRatio', named.demographicParityRatio, false],
    ['equalOpportunityDifference', named.equalOpportunityDifference, true],
    ['equalOpportunityRatio', named.equalOpportunityRatio, false],
    ['equalizedOddsDifference', named.equalizedOddsDifference.worstCase, true],
    ['equalizedOddsRatio', named.equalizedOddsRatio.worstCase, false],
    ['predictiveParityDifference', named.predictiveParityDifference, true],
    ['aucGap', named.aucGap, false],
    ['calibrationGap', named.calibrationGap, false],
  ];
  return rows;
}

export function AuditPanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  onAttribute: (a: string) => void;
  onExplainLead: (row: number) => void;
}) {
  const { session, dataset, model, roles } = props;
  const [rule, setRule] = useState<'threshold' | 'top-k' | 'top-percent'>('threshold');
  const [threshold, setThreshold] = useState(model.manifest.threshold ?? 0.5);
  const [topK, setTopK] = useState(200);
  const [topPercent, setTopPercent] = useState(10);
  const [fairlearn, setFairlearn] = useState(false);
  const [minGroupSize, setMinGroupSize] = useState(30);
  const [resamples, setResamples] = useState(200);
  const [intersections, setIntersections] = useState(true);
  const [references, setReferences] = useState<Record<string, string | null>>({});
  const [frame, setFrame] = useState<Frame | null>(null);
  const [withIntervals, setWithIntervals] = useState(false);
  const [curves, setCurves] = useState<Curves | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [scoring, setScoring] = useState<{ rows: number; ms: number; rowsPerSecond: number } | null>(null);
  const [sliceMetric, setSliceMetric] = useState<SliceMetric>('selectionRate');
  const [slices, setSlices] = useState<{ slices: Slice[]; overallRate: number; ms: number; searched: number } | null>(null);
  const [sliceBusy, setSliceBusy] = useState(false);
  const [sliceFrame, setSliceFrame] = useState<{ description: string; frame: MetricFrame } | null>(null);
  const [leads, setLeads] = useState<{ row: number; score: number; converted: boolean; groups: Record<string, string> }[] | null>(null);

  const decision: DecisionRule = useMemo(
    () => (rule === 'threshold' ? { rule, threshold } : rule === 'top-k' ? { rule, k: topK } : { rule, percent: topPercent }),
    [rule, threshold, topK, topPercent],
  );

  // Every change recomputes in the worker at once (no intervals, fast), then again with bootstrap
  // intervals once the controls have been still for a moment. A result a newer request replaced is dropped.
  const seq = useRef(0);
  const scored = useRef(false);
  useEffect(() => {
    const mine = ++seq.current;
    const base = { decision, fairlearnCompatible: fairlearn, minGroupSize, references, intersections };
    const request = (bootstrap?: { resamples: number; seed: number }) =>
      session.audit.call(undefined, (api) => api.audit(dataset.id, model.id, roles, { ...base, bootstrap }));
    (async () => {
      try {
        if (!scored.current) {
          scored.current = true;
          const sc = await session.audit.call(undefined, (api) => api.score(dataset.id, model.id));
          setScoring(sc);
        }
        const fast = await request();
        if (mine !== seq.current) return;
        setFrame(fast);
        setWithIntervals(false);
        setProblem(null);
        if (resamples > 0) {
          await new Promise((r) => setTimeout(r, 350));
          if (mine !== seq.current) return;
          const full = await request({ resamples, seed: 1 });
          if (mine !== seq.current) return;
          setFrame(full);
          setWithIntervals(true);
        }
      } catch (e) {
        if (mine === seq.current && !isAbortError(e)) setProblem(problemOf(e));
      }
    })();
  }, [session, dataset.id, model.id, roles, decision, fairlearn, minGroupSize, resamples, intersections, references]);

  const attributeNames = frame?.attributes.map((a) => a.name) ?? roles.protected.map((p) => p.column);
  const current = frame?.attributes.find((a) => a.name === props.attribute) ?? frame?.attributes[0] ?? null;

  useEffect(() => {
    const attr = roles.protected.find((p) => p.column === current?.name) ?? roles.protected[0];
    if (!attr) return;
    let live = true;
    session.audit
      .call(undefined, (api) => api.curves(dataset.id, model.id, roles, attr.column))
      .then((c) => live && setCurves(c as Curves))
      .catch(() => live && setCurves(null));
    return () => {
      live = false;
    };
  }, [session, dataset.id, model.id, roles, current?.name]);

  useEffect(() => {
    let live = true;
    session.audit
      .call(undefined, (api) => api.topLeads(dataset.id, model.id, roles, 20))
      .then((l) => live && setLeads(l))
      .catch(() => live && setLeads(null));
    return () => {
      live = false;
    };
  }, [session, dataset.id, model.id, roles]);

  async function findSlices() {
    setSliceBusy(true);
    try {
      setSlices(await session.audit.call(undefined, (api) => api.slices(dataset.id, model.id, roles, decision, sliceMetric)));
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSliceBusy(false);
    }
  }

  async function openSlice(s: Slice) {
    try {
      const f = await session.audit.call(undefined, (api) => api.sliceAudit(dataset.id, model.id, roles, decision, s.predicates, s.description));
      setSliceFrame({ description: s.description, frame: f });
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  const o = frame?.overall.metrics;
  const fourFifths = current?.disparities.named.disparateImpact.fourFifthsRule;
  const di = current?.disparities.named.disparateImpact.betweenGroups;

  return (
    <>
      <h2>3 · Audit</h2>
      {problem && (
        <div className="banner error" role="alert" data-testid="audit-problem">
          <strong>{problem.message}</strong>
          {problem.hint && <p>{problem.hint}</p>}
        </div>
      )}
      <div className="controls">
        <label>
          Groups by{' '}
          <select value={current?.name ?? ''} onChange={(e) => props.onAttribute(e.target.value)} data-testid="attribute-select">
            {attributeNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label title="How leads are selected: a score threshold, a fixed call list (top k), or the top p %.">
          Decision{' '}
          <select value={rule} onChange={(e) => setRule(e.target.value as typeof rule)} data-testid="rule-select">
            <option value="threshold">score threshold</option>
            <option value="top-k">call list: top k leads</option>
            <option value="top-percent">top p %</option>
          </select>
        </label>
        {rule === 'threshold' && (
          <label className="slider" title="Leads scoring at or above the threshold are selected (called).">
            Threshold <strong data-testid="threshold-value">{threshold.toFixed(2)}</strong>
            <input type="range" min={0.01} max={0.99} step={0.01} value={threshold} data-testid="threshold" onChange={(e) => setThreshold(Number(e.target.value))} />
          </label>
        )}
        {rule === 'top-k' && (
          <label>
            k <input type="number" min={0} max={dataset.nRows} value={topK} onChange={(e) => setTopK(Math.max(0, Number(e.target.value) | 0))} data-testid="top-k" />
          </label>
        )}
        {rule === 'top-percent' && (
          <label>
            p <input type="number" min={0} max={100} step={0.5} value={topPercent} onChange={(e) => setTopPercent(Number(e.target.value))} /> %
          </label>
        )}
      </div>
      <details className="options">
        <summary>Audit options</summary>
        <label title="Reproduce fairlearn's zeros for undefined rates, to match a notebook.">
          <input type="checkbox" checked={fairlearn} onChange={(e) => setFairlearn(e.target.checked)} data-testid="fairlearn-compatible" /> Fairlearn-compatible (undefined rates
          become 0)
        </label>
        <label>
          <input type="checkbox" checked={intersections} onChange={(e) => setIntersections(e.target.checked)} /> intersections of protected attributes
        </label>
        <label>
          small group below <input type="number" min={1} value={minGroupSize} onChange={(e) => setMinGroupSize(Math.max(1, Number(e.target.value) | 0))} /> leads
        </label>
        <label>
          bootstrap resamples <input type="number" min={0} max={2000} value={resamples} onChange={(e) => setResamples(Math.max(0, Number(e.target.value) | 0))} /> (0 = no
          intervals)
        </label>
        {current && (
          <label>
            reference group for {current.name}{' '}
            <select value={references[current.name] ?? ''} onChange={(e) => setReferences({ ...references, [current.name]: e.target.value || null })}>
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
        <div data-testid="audit">
          <div className="metrics">
            <Metric label="Accuracy" value={o.accuracy} k="accuracy" testId="metric-accuracy" />
            <Metric label="Precision" value={o.precision} k="precision" testId="metric-precision" />
            <Metric label="Recall (TPR)" value={o.truePositiveRate} k="truePositiveRate" testId="metric-recall" />
            <Metric label="ROC AUC" value={o.rocAuc} k="rocAuc" testId="metric-auc" />
            <Metric label="Selected" value={o.selectionRate} k="selectionRate" testId="metric-selection" />
            <div className="metric" title="Four-fifths rule on the selection rate (see the caveat below)">
              <span className="label">Four-fifths rule</span>
              <span className={`value ${fourFifths?.pass === false ? 'fail' : ''}`} data-testid="four-fifths">
                {fourFifths?.pass === null ? 'undefined' : fourFifths?.pass ? 'passes' : 'fails'}
              </span>
              <span className="sub">DI {num(di?.value ?? null)}</span>
            </div>
          </div>
          <p className="footnote">
            {frame.decision.selected.toLocaleString('en-US')} of {frame.n.toLocaleString('en-US')} leads selected
            {frame.decision.cutScore !== null && <> (lowest selected score {frame.decision.cutScore.toFixed(3)})</>} · computed in the worker in {Math.round(frame.ms)} ms
            {withIntervals ? ` · ${frame.bootstrap?.resamples} bootstrap resamples, 95 % intervals` : resamples > 0 ? ' · intervals follow…' : ''}
            {frame.fairlearnCompatible && ' · Fairlearn-compatible: undefined rates shown as 0'}
          </p>
          <table className="groups" data-testid="group-table">
            <thead>
              <tr>
                <th>{current.name}</th>
                <th title={METRIC_DEFINITIONS.count.plain}>leads</th>
                {TABLE_METRICS.map((k) => (
                  <th key={k} title={`${METRIC_DEFINITIONS[k].formula} — ${METRIC_DEFINITIONS[k].plain}`}>
                    {METRIC_DEFINITIONS[k].label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {current.groups.map((g) => (
                <tr key={g.level} className={g.small ? 'small' : ''}>
                  <td>
                    {g.level}
                    {g.isReference && <span className="tag">reference</span>}
                    {g.small && <span className="tag warn" title={`fewer than ${frame.minGroupSize} leads: numbers are unreliable`}>small</span>}
                  </td>
                  <td className="num">{g.count.toLocaleString('en-US')}</td>
                  {TABLE_METRICS.map((k) => {
                    const r = g.metrics[k];
                    const reason = g.undefinedReasons[k];
                    return (
                      <td key={k} className="num" title={valueOf(r) === null ? explainReason(reason ?? r.reason) : reason ? `fairlearn would give 0 here: ${explainReason(reason)}` : undefined}>
                        {show(k, r)}
                        {g.intervals?.[k] && <span className="ci">{interval(g.intervals[k], k)}</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="grid2">
            <div>
              <h3>Disparities between groups of {current.name}</h3>
              <table className="disparities">
                <tbody>
                  {aggregateRows(current.disparities.named).map(([name, agg, percent]) => (
                    <DisparityRow key={name} name={name} d={agg.betweenGroups} percent={percent} />
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
                    <th>group</th>
                    <th title={DISPARITY_DEFINITIONS.averageOddsDifference.formula}>average odds difference</th>
                    <th>selection-rate ratio</th>
                  </tr>
                </thead>
                <tbody>
                  {current.disparities.named.averageOddsDifference.map((a) => {
                    const sr = current.disparities.perMetric.selectionRate.toReference.find((t) => t.level === a.level);
                    return (
                      <tr key={a.level}>
                        <td>{a.level}</td>
                        <td className="num">{num(a.value.value)}</td>
                        <td className="num">{num(sr?.ratio.value ?? null)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <PlotlyChart spec={charts.disparityBarsSpec(current, 'selectionRate', current.reference)} testId="disparity-chart" />
          </div>
          <div className="grid2">
            <PlotlyChart spec={charts.groupMetricBarsSpec(current, ['selectionRate', 'truePositiveRate', 'falsePositiveRate'])} testId="group-chart" />
            {curves && curves.attribute === current.name ? (
              <PlotlyChart spec={charts.selectionVsThresholdSpec(curves.sweep, curves.levels, rule === 'threshold' ? threshold : null)} testId="threshold-chart" />
            ) : (
              <p className="hint">Curves are drawn for single protected attributes.</p>
            )}
          </div>
          <div className="grid2">
            {curves && curves.attribute === current.name && <PlotlyChart spec={charts.rocCurvesSpec(curves.roc)} testId="roc-chart" />}
            <PlotlyChart spec={charts.calibrationSpec(current.groups.map((g) => ({ level: g.level, bins: g.metrics.calibration })))} testId="calibration-chart" />
          </div>
          <h3>Worst slices</h3>
          <p className="hint">Subgroups (protected attributes and the model's columns, up to three at a time) whose rate differs most from everyone else, with enough leads to count.</p>
          <div className="controls">
            <select value={sliceMetric} onChange={(e) => setSliceMetric(e.target.value as SliceMetric)}>
              <option value="selectionRate">selection rate</option>
              <option value="truePositiveRate">true positive rate</option>
              <option value="falsePositiveRate">false positive rate</option>
              <option value="errorRate">error rate</option>
              <option value="precision">precision</option>
            </select>
            <button onClick={() => void findSlices()} disabled={sliceBusy} data-testid="find-slices">
              {sliceBusy ? 'Searching…' : 'Find worst slices'}
            </button>
            {slices && (
              <span className="footnote">
                {slices.searched.toLocaleString('en-US')} slices searched in {Math.round(slices.ms)} ms; overall {pct(slices.overallRate)}
              </span>
            )}
          </div>
          {slices && (
            <table className="slices" data-testid="slice-list">
              <thead>
                <tr>
                  <th>slice</th>
                  <th>leads</th>
                  <th>rate</th>
                  <th>rest</th>
                  <th>difference</th>
                  <th title="two-proportion z score; |z| ≥ 2 shown">z</th>
                </tr>
              </thead>
              <tbody>
                {slices.slices.map((s) => (
                  <tr key={s.description} onClick={() => void openSlice(s)} className="clickable" title="Open this slice in the audit">
                    <td>{s.description}</td>
                    <td className="num">{s.count.toLocaleString('en-US')}</td>
                    <td className="num">{pct(s.rate)}</td>
                    <td className="num">{pct(s.complementRate)}</td>
                    <td className="num">{(s.difference * 100).toFixed(1)} pp</td>
                    <td className="num">{s.z.toFixed(1)}</td>
                  </tr>
                ))}
                {slices.slices.length === 0 && (
                  <tr>
                    <td colSpan={6}>No slice differs significantly from the rest.</td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
          {sliceFrame && (
            <div className="slice-audit" data-testid="slice-audit">
              <h4>{sliceFrame.description} against the rest</h4>
              <table className="groups">
                <thead>
                  <tr>
                    <th />
                    <th>leads</th>
                    {TABLE_METRICS.slice(0, 7).map((k) => (
                      <th key={k}>{METRIC_DEFINITIONS[k].label}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {sliceFrame.frame.attributes[0].groups.map((g) => (
                    <tr key={g.level}>
                      <td>{g.level}</td>
                      <td className="num">{g.count.toLocaleString('en-US')}</td>
                      {TABLE_METRICS.slice(0, 7).map((k) => (
                        <td key={k} className="num" title={valueOf(g.metrics[k]) === null ? explainReason(g.metrics[k].reason) : undefined}>
                          {show(k, g.metrics[k])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>Top of the call list</h3>
          {leads && (
            <table className="leads" data-testid="lead-table">
              <thead>
                <tr>
                  <th>row</th>
                  <th>score</th>
                  <th>converted</th>
                  {roles.protected.map((p) => (
                    <th key={p.column}>{p.column}</th>
                  ))}
                  <th />
                </tr>
              </thead>
              <tbody>
                {leads.map((l) => (
                  <tr key={l.row}>
                    <td>{l.row + 1}</td>
                    <td className="num">{l.score.toFixed(3)}</td>
                    <td>{l.converted ? 'yes' : 'no'}</td>
                    {roles.protected.map((p) => (
                      <td key={p.column}>{l.groups[p.column]}</td>
                    ))}
                    <td>
                      <button onClick={() => props.onExplainLead(l.row)} data-testid="explain-lead">
                        Why?
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {scoring && (
            <p className="footnote" data-testid="scoring">
              Scored {scoring.rows.toLocaleString('en-US')} rows in a Web Worker in {Math.round(scoring.ms)} ms ({Math.round(scoring.rowsPerSecond).toLocaleString('en-US')} rows/s).
            </p>
          )}
        </div>
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
        {show(k, value)}
      </span>
    </div>
  );
}
