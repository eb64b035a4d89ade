import { memo, startTransition, useEffect, useId, useMemo, useReducer } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { DecisionRule } from '../../core/metrics';
import type { PolicyResult, WindowResult, WindowUnit } from '../../core/monitor';
import { labelOf } from '../../core/definitions';
import { count, describeDecision, exact, num, pct } from '../../core/format';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import type { MonitorView } from '../../../workers/monitor-jobs';
import { driftBarsSpec, selectionRateDriftSpec, windowDriftSpec, windowMetricSpec } from '../../charts/monitor';
import { LightChart } from './LightChart';
import { ProblemBanner } from './ProblemBanner';
import { DriftTable } from './DriftTable';
import { PolicyEditor, policyPresets, type PolicyCheck } from './PolicyEditor';
import { VerdictBanner } from './VerdictBanner';

type Windows = { unit: WindowUnit; timeColumn: string; undated: number; windows: WindowResult[] };
type Verdict = PolicyResult & { name: string | null };

const UNITS: WindowUnit[] = ['week', 'month', 'quarter'];
const WINDOW_METRICS = ['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'precision', 'baseRate', 'accuracy'] as const;

/** The Monitor tab's state: the current data, the results for it, and what is chosen. */
interface State {
  current: DatasetSummary | null;
  view: MonitorView | null;
  timeColumns: string[];
  timeColumn: string | null;
  unit: WindowUnit;
  windows: Windows | null;
  policyText: string;
  check: PolicyCheck;
  verdict: Verdict | null;
  /** the verdict shown was judged on other settings or another text: a newer one is on its way */
  verdictStale: boolean;
  problem: Problem | null;
  busy: string | null;
  measure: 'psi' | 'jensenShannon';
  rateAttribute: string | null;
  windowMetric: string;
  windowAttribute: string | null;
}

type Action =
  | { type: 'busy'; busy: string | null }
  | { type: 'problem'; problem: Problem | null }
  | { type: 'current'; current: DatasetSummary }
  | { type: 'view'; view: MonitorView }
  | { type: 'time-columns'; columns: string[]; chosen: string | null }
  | { type: 'time-column'; column: string | null }
  | { type: 'unit'; unit: WindowUnit }
  | { type: 'windows'; windows: Windows | null }
  | { type: 'policy-text'; text: string }
  | { type: 'check'; check: PolicyCheck }
  | { type: 'verdict'; verdict: Verdict | null }
  | { type: 'measure'; measure: State['measure'] }
  | { type: 'rate-attribute'; attribute: string }
  | { type: 'window-metric'; metric: string }
  | { type: 'window-attribute'; attribute: string | null };

function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'busy':
      return { ...s, busy: a.busy };
    case 'problem':
      return { ...s, problem: a.problem };
    case 'current':
      return { ...s, current: a.current, view: null, windows: null, verdict: null, timeColumns: [], timeColumn: null, problem: null };
    case 'view':
      return { ...s, view: a.view };
    case 'time-columns':
      return { ...s, timeColumns: a.columns, timeColumn: a.chosen };
    case 'time-column':
      return { ...s, timeColumn: a.column, windows: null };
    case 'unit':
      return { ...s, unit: a.unit, windows: null };
    case 'windows':
      return { ...s, windows: a.windows };
    case 'policy-text':
      return { ...s, policyText: a.text, check: null, verdictStale: true };
    case 'check':
      return { ...s, check: a.check };
    case 'verdict':
      return { ...s, verdict: a.verdict, verdictStale: false };
    case 'measure':
      return { ...s, measure: a.measure };
    case 'rate-attribute':
      return { ...s, rateAttribute: a.attribute };
    case 'window-metric':
      return { ...s, windowMetric: a.metric };
    case 'window-attribute':
      return { ...s, windowAttribute: a.attribute };
  }
}

/** Selects with their labels (one per control, so every field is named). */
function Choice<T extends string>({ label, value, options, onChange, testId }: { label: string; value: T; options: { value: T; label: string }[]; onChange: (v: T) => void; testId: string }) {
  const id = useId();
  return (
    <span>
      <label htmlFor={id}>{label}</label>{' '}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/**
 * Monitoring (issue 12): the loaded dataset is the reference; a second dataset — the current
 * data, or a decision log with a time column — is compared with it under the same model and
 * roles. Drift per column, of the scores and of each group's selection rate; metrics by time
 * window; the committee's policy, edited here and judged into a verdict. Every number comes
 * from the worker (workers/monitor-jobs.ts over src/core/monitor); results render as
 * transitions. The current data, the policy text and the time column are kept in the session
 * (session.monitor), so they outlive this panel and a worker restart.
 */
export const MonitorPanel = memo(function MonitorPanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  decision: DecisionRule;
  /** told when the current data, the policy or the time column change (the project keeps them from session.monitor) */
  onSaved?: () => void;
}) {
  const { session, dataset, model, roles, decision } = props;
  const firstAttribute = roles.protected[0]?.column ?? null;
  const [s, dispatch] = useReducer(reduce, undefined, (): State => ({
    current: session.monitor.current,
    view: null,
    timeColumns: [],
    timeColumn: null,
    unit: 'month',
    windows: null,
    policyText: session.monitor.policy ?? policyPresets(firstAttribute)[0].text,
    check: null,
    verdict: null,
    verdictStale: false,
    problem: null,
    busy: null,
    measure: 'psi',
    rateAttribute: null,
    windowMetric: 'selectionRate',
    windowAttribute: null,
  }));
  const fileId = useId();
  const columnNames = useMemo(() => dataset.columns.map((c) => c.name), [dataset.columns]);
  const attributeNames = useMemo(() => roles.protected.map((p) => p.column), [roles.protected]);
  const current = s.current;
  const base = useMemo(() => (current ? { dataset: dataset.id, model: model.id, current: current.id, roles, decision } : null), [current, dataset.id, model.id, roles, decision]);

  // the time columns of the current data (ISO dates), the one chosen before when it is there
  useEffect(() => {
    if (!current) return;
    let live = true;
    session.audit
      .call(undefined, (api) => api.monitorTimeColumns({ dataset: current.id }))
      .then((cols) => {
        if (!live) return;
        const kept = session.monitor.timeColumn;
        dispatch({ type: 'time-columns', columns: cols, chosen: kept && cols.includes(kept) ? kept : (cols[0] ?? null) });
      })
      .catch((e: unknown) => live && dispatch({ type: 'problem', problem: problemOf(e) }));
    return () => {
      live = false;
    };
  }, [current, session]);

  // drift of every column, the scores and the selection rates
  useEffect(() => {
    if (!base) return;
    let live = true;
    dispatch({ type: 'busy', busy: 'Comparing the current data with the reference…' });
    session.audit
      .call(undefined, (api) => api.monitorDrift({ ...base, timeColumn: s.timeColumn }))
      .then((view) => live && startTransition(() => dispatch({ type: 'view', view })))
      .catch((e: unknown) => live && dispatch({ type: 'problem', problem: problemOf(e) }))
      .finally(() => live && dispatch({ type: 'busy', busy: null }));
    return () => {
      live = false;
    };
  }, [base, s.timeColumn, session]);

  // the current data by window
  useEffect(() => {
    if (!base || !s.timeColumn) return;
    let live = true;
    const timeColumn = s.timeColumn;
    session.audit
      .call(undefined, (api) => api.monitorWindows({ ...base, timeColumn, unit: s.unit }))
      .then((windows) => live && startTransition(() => dispatch({ type: 'windows', windows })))
      .catch((e: unknown) => live && dispatch({ type: 'problem', problem: problemOf(e) }));
    return () => {
      live = false;
    };
  }, [base, s.timeColumn, s.unit, session]);

  // the policy: checked as it is typed (a moment after the last key), then judged on the run
  useEffect(() => {
    let live = true;
    const text = s.policyText;
    const timer = setTimeout(() => {
      session.audit
        .call(undefined, (api) => api.monitorCheckPolicy({ text }))
        .then((c) => {
          if (!live) return;
          dispatch({ type: 'check', check: { ok: true, ...c } });
          if (!base) return;
          return session.audit.call(undefined, (api) => api.monitorPolicy({ ...base, timeColumn: s.timeColumn, text })).then((verdict) => live && startTransition(() => dispatch({ type: 'verdict', verdict })));
        })
        .catch((e: unknown) => {
          if (!live) return;
          const p = problemOf(e);
          if (p.code === 'policy-invalid') dispatch({ type: 'check', check: { ok: false, problem: p } });
          else dispatch({ type: 'problem', problem: p });
        });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [s.policyText, base, s.timeColumn, session]);

  const onFile = (file: File) => {
    dispatch({ type: 'busy', busy: `Reading ${file.name}` });
    session
      .loadMonitorCsv({ kind: 'file', file, name: file.name })
      .then((summary) => {
        dispatch({ type: 'current', current: summary });
        props.onSaved?.();
      })
      .catch((e: unknown) => dispatch({ type: 'problem', problem: problemOf(e) }))
      .finally(() => dispatch({ type: 'busy', busy: null }));
  };
  const onPolicyText = (text: string) => {
    session.monitor.policy = text;
    dispatch({ type: 'policy-text', text });
    props.onSaved?.();
  };
  const onTimeColumn = (column: string | null) => {
    session.monitor.timeColumn = column;
    dispatch({ type: 'time-column', column });
    props.onSaved?.();
  };

  const view = s.view;
  const rateAttributes = useMemo(() => [...new Set((view?.selectionRates ?? []).map((r) => r.attribute))], [view]);
  const rateAttribute = s.rateAttribute && rateAttributes.includes(s.rateAttribute) ? s.rateAttribute : (rateAttributes.find((a) => a === props.attribute) ?? rateAttributes[0] ?? null);
  const driftSpec = useMemo(() => (view ? driftBarsSpec(view.columns, s.measure, view.score) : null), [view, s.measure]);
  const rateSpec = useMemo(() => (view && rateAttribute ? selectionRateDriftSpec(view.selectionRates, rateAttribute) : null), [view, rateAttribute]);
  const windowAttributes = useMemo(() => [...new Set((s.windows?.windows ?? []).flatMap((w) => w.audit?.attributes.map((a) => a.name) ?? []))], [s.windows]);
  const windowAttribute = s.windowAttribute && windowAttributes.includes(s.windowAttribute) ? s.windowAttribute : null;
  const windowSpec = useMemo(() => (s.windows && s.windows.windows.length > 0 ? windowMetricSpec(s.windows.windows, s.windowMetric, windowAttribute) : null), [s.windows, s.windowMetric, windowAttribute]);
  const windowDrift = useMemo(() => (s.windows && s.windows.windows.length > 0 ? windowDriftSpec(s.windows.windows) : null), [s.windows]);

  return (
    <div className="monitor" data-testid="monitor">
      <h2>7 · Monitor</h2>
      <p className="hint">
        The loaded data ({dataset.name}, {count(dataset.nRows)} rows) is the reference. Load the current data — the same columns, scored by the same model ({model.name}) and audited with the
        same roles and rule ({describeDecision(decision)}) — or a decision log with a date column to follow it by week, month or quarter.
      </p>
      <div className="controls">
        <span>
          <label htmlFor={fileId}>Current data (CSV)</label>{' '}
          <input id={fileId} type="file" accept=".csv,.tsv,.txt,text/csv" onChange={(e) => e.target.files?.[0] && onFile(e.target.files[0])} data-testid="monitor-file" />
        </span>
        {current && (
          <span data-testid="monitor-current">
            {current.name}: {count(current.nRows)} rows
            {view ? `, ${count(view.rows.currentWithOutcome)} with a known outcome` : ''}
          </span>
        )}
        {current && (
          <Choice
            label="Time column"
            value={s.timeColumn ?? ''}
            options={[{ value: '', label: s.timeColumns.length ? 'none' : 'none (no column of ISO dates)' }, ...s.timeColumns.map((c) => ({ value: c, label: c }))]}
            onChange={(v) => onTimeColumn(v === '' ? null : v)}
            testId="monitor-time-column"
          />
        )}
        {current && s.timeColumn && <Choice label="Window" value={s.unit} options={UNITS.map((u) => ({ value: u, label: u }))} onChange={(u) => dispatch({ type: 'unit', unit: u })} testId="monitor-unit" />}
      </div>
      {s.busy && (
        <p className="busy" role="status" data-testid="monitor-busy">
          {s.busy}
        </p>
      )}
      {s.problem && <ProblemBanner problem={s.problem} onClose={() => dispatch({ type: 'problem', problem: null })} />}

      <h3>Policy and verdict</h3>
      {s.verdict && current && <VerdictBanner result={s.verdict} stale={s.verdictStale} />}
      {!current && <p className="hint">Load the current data to judge the policy on it.</p>}
      <PolicyEditor text={s.policyText} onText={onPolicyText} check={s.check} attribute={firstAttribute} columns={columnNames} attributes={attributeNames} />

      {view && driftSpec && (
        <>
          <h3>Drift by column</h3>
          <p className="summary" data-testid="score-drift">
            Model scores: PSI {num(view.score.psi)}, Jensen–Shannon {num(view.score.jensenShannon)}, KS p-value {exact(view.score.ksPValue ?? null)}. Reference {count(view.rows.reference)} rows,
            current {count(view.rows.current)}.
            {view.skipped.length > 0 ? ` Not compared: ${view.skipped.map((k) => `${k.column} (${k.reason})`).join(', ')}.` : ''}
          </p>
          <div className="controls">
            <Choice
              label="Bars show"
              value={s.measure}
              options={[
                { value: 'psi', label: 'PSI' },
                { value: 'jensenShannon', label: 'Jensen–Shannon distance' },
              ]}
              onChange={(m) => dispatch({ type: 'measure', measure: m })}
              testId="monitor-measure"
            />
          </div>
          <LightChart spec={driftSpec} testId="drift-chart" />
          <DriftTable columns={view.columns} score={view.score} />

          <h3>Selection rate by group</h3>
          {view.audit.currentProblem && <p className="warning">{view.audit.currentProblem}</p>}
          {rateAttribute && rateSpec ? (
            <>
              <Choice label="Attribute" value={rateAttribute} options={rateAttributes.map((a) => ({ value: a, label: a }))} onChange={(a) => dispatch({ type: 'rate-attribute', attribute: a })} testId="monitor-rate-attribute" />
              <LightChart spec={rateSpec} testId="rate-drift-chart" />
              <p className="summary">
                {view.selectionRates
                  .filter((r) => r.attribute === rateAttribute)
                  .map((r) => `${r.group}: ${pct(r.reference.rate)} → ${pct(r.current.rate)}`)
                  .join('; ')}
              </p>
            </>
          ) : (
            <p className="hint">Selection rates need outcomes on both sides.</p>
          )}
        </>
      )}

      {s.windows && (
        <>
          <h3>Over time: {s.windows.unit}s of {s.windows.timeColumn}</h3>
          <p className="hint" data-testid="monitor-windows">
            {s.windows.windows.length} windows
            {s.windows.undated > 0 ? `; ${count(s.windows.undated)} rows without a date are left out` : ''}. Metrics on rows with a known outcome, with 95% Wilson intervals; drift of each
            window against the whole reference.
          </p>
          <div className="controls">
            <Choice label="Metric" value={s.windowMetric} options={WINDOW_METRICS.map((m) => ({ value: m, label: labelOf(m) }))} onChange={(m) => dispatch({ type: 'window-metric', metric: m })} testId="monitor-window-metric" />
            <Choice
              label="Groups of"
              value={windowAttribute ?? ''}
              options={[{ value: '', label: 'everyone (overall)' }, ...windowAttributes.map((a) => ({ value: a, label: a }))]}
              onChange={(a) => dispatch({ type: 'window-attribute', attribute: a === '' ? null : a })}
              testId="monitor-window-attribute"
            />
          </div>
          {windowSpec && <LightChart spec={windowSpec} testId="window-metric-chart" />}
          {windowDrift && <LightChart spec={windowDrift} testId="window-drift-chart" />}
        </>
      )}
    </div>
  );
});
