import { useMemo } from 'react';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { FirstAuditResult } from '../../../workers/workbench.worker';
import { groupRatesSpec } from '../../charts/first-audit';
import { PlotlyChart } from './PlotlyChart';
import { explainReason, num, pct, reasonOf, valueOf, type Shown } from '../format';

function Metric({ label, value, help, testId, percent = true }: { label: string; value: Shown; help: string; testId: string; percent?: boolean }) {
  return (
    <div className="metric" title={help}>
      <span className="label">{label}</span>
      <span className="value" data-testid={testId}>
        {percent ? pct(value) : num(value)}
      </span>
    </div>
  );
}

export function AuditPanel(props: {
  audit: FirstAuditResult | null;
  problem: Problem | null;
  roles: DatasetRoles | null;
  attribute: string | null;
  onAttribute: (a: string) => void;
  threshold: number;
  onThreshold: (t: number) => void;
  scoring: { rows: number; ms: number; rowsPerSecond: number } | null;
  ready: boolean;
}) {
  const { audit, roles } = props;
  const spec = useMemo(
    () =>
      audit
        ? groupRatesSpec(
            audit.groups.map((g) => ({ level: g.level, count: g.count, selectionRate: valueOf(g.selectionRate), truePositiveRate: valueOf(g.truePositiveRate) })),
            audit.attribute,
            audit.threshold,
          )
        : null,
    [audit],
  );
  return (
    <>
      <h2>3 · Audit</h2>
      {!props.ready && <p className="hint">Load a dataset and a model (or train one), then the audit appears here. Or open the bank demo.</p>}
      {props.problem && (
        <div className="banner error" role="alert" data-testid="audit-problem">
          <strong>{props.problem.message}</strong>
          {props.problem.hint && <p>{props.problem.hint}</p>}
        </div>
      )}
      {roles && roles.protected.length > 0 && (
        <div className="controls">
          <label>
            Protected attribute{' '}
            <select value={props.attribute ?? ''} onChange={(e) => props.onAttribute(e.target.value)} data-testid="attribute-select">
              {roles.protected.map((p) => (
                <option key={p.column} value={p.column}>
                  {p.column}
                </option>
              ))}
            </select>
          </label>
          <label className="slider" title="Leads scoring at or above the threshold are selected (called).">
            Threshold <strong data-testid="threshold-value">{props.threshold.toFixed(2)}</strong>
            <input
              type="range"
              min={0.01}
              max={0.99}
              step={0.01}
              value={props.threshold}
              data-testid="threshold"
              onChange={(e) => props.onThreshold(Number(e.target.value))}
            />
          </label>
        </div>
      )}
      {audit && (
        <div data-testid="audit">
          <div className="metrics">
            <Metric label="Accuracy" value={audit.overall.accuracy} testId="metric-accuracy" help="Share of leads whose outcome the decision got right: (TP + TN) / N." />
            <Metric label="Precision" value={audit.overall.precision} testId="metric-precision" help="Of the leads selected, the share that converted: TP / (TP + FP)." />
            <Metric label="Recall" value={audit.overall.recall} testId="metric-recall" help="Of the leads that converted, the share the model selected: TP / (TP + FN)." />
            <Metric label="ROC AUC" value={audit.overall.rocAuc} testId="metric-auc" percent={false} help="Chance that a random converter scores above a random non-converter (threshold-free)." />
          </div>
          <table className="groups" data-testid="group-table">
            <thead>
              <tr>
                <th>{audit.attribute}</th>
                <th>leads</th>
                <th title="Share of the group selected at this threshold">selection rate</th>
                <th title="Of the group's converters, the share the model selected">true-positive rate</th>
              </tr>
            </thead>
            <tbody>
              {audit.groups.map((g) => (
                <tr key={g.level}>
                  <td>{g.level}</td>
                  <td>{g.count.toLocaleString('en-US')}</td>
                  <td title={valueOf(g.selectionRate) === null ? explainReason(reasonOf(g.selectionRate)) : undefined}>{pct(g.selectionRate)}</td>
                  <td title={valueOf(g.truePositiveRate) === null ? explainReason(reasonOf(g.truePositiveRate)) : undefined}>{pct(g.truePositiveRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {spec && <PlotlyChart spec={spec} testId="group-chart" />}
          {props.scoring && (
            <p className="footnote" data-testid="scoring">
              Scored {props.scoring.rows.toLocaleString('en-US')} rows in a Web Worker in {Math.round(props.scoring.ms)} ms (
              {Math.round(props.scoring.rowsPerSecond).toLocaleString('en-US')} rows/s).
            </p>
          )}
        </div>
      )}
    </>
  );
}
