import { useId, useState } from 'react';
import type { Problem } from '../../core/errors';
import type { DisparityKey } from '../../core/audit';
import { DRIFT_DEFINITIONS, DRIFT_MEASURES, labelOf, type DriftMeasure } from '../../core/definitions';
import { downloadFiles } from '../download';

/** The policy as the worker read it: its name and rule count, or why it is refused. */
export type PolicyCheck = { ok: true; name: string | null; rules: number } | { ok: false; problem: Problem } | null;

const FORMAT = 'bias-workbench.policy/1';

/** Starting points for the committee's policy, written for the first protected attribute. */
export function policyPresets(attribute: string | null): { id: string; label: string; text: string }[] {
  const a = attribute ?? 'age';
  const text = (name: string, rules: unknown[]) => JSON.stringify({ format: FORMAT, name, rules }, null, 2);
  return [
    {
      id: 'committee',
      label: 'Committee example',
      text: text('Committee thresholds', [
        { drift: 'psi', column: '*', max: 0.25, action: 'retrain' },
        { scoreDrift: 'psi', max: 0.1, action: 'review' },
        { metric: 'disparateImpact', attribute: a, min: 0.8, action: 'review' },
        { metric: 'demographicParityDifference', attribute: a, max: 0.1, action: 'retrain' },
        { selectionRateChange: a, max: 0.1, action: 'review' },
        { minRows: 500, action: 'review' },
      ]),
    },
    {
      id: 'drift',
      label: 'Drift only',
      text: text('Data drift', [
        { drift: 'psi', column: '*', max: 0.25, action: 'retrain' },
        { drift: 'jensenShannon', column: '*', max: 0.1, action: 'review' },
        { scoreDrift: 'psi', max: 0.25, action: 'offline' },
      ]),
    },
    {
      id: 'fairness',
      label: 'Fairness only',
      text: text('Fairness thresholds', [
        { metric: 'disparateImpact', attribute: a, min: 0.8, action: 'review' },
        { metric: 'equalOpportunityDifference', attribute: a, max: 0.1, action: 'retrain' },
        { minGroupRows: 30, attribute: a, action: 'review' },
      ]),
    },
  ];
}

/** The disparities the form offers (any disparity key of the audit JSON can be typed in the text). */
const FORM_DISPARITIES = ['disparateImpact', 'demographicParityDifference', 'demographicParityRatio', 'equalOpportunityDifference', 'equalizedOddsDifference', 'predictiveParityDifference', 'aucGap'] as const satisfies readonly DisparityKey[];

type RuleKind = 'drift' | 'scoreDrift' | 'metric' | 'selectionRateChange' | 'minRows';
type Action = 'review' | 'retrain' | 'offline';

const KIND_LABELS: Record<RuleKind, string> = {
  drift: 'drift of a column',
  scoreDrift: 'drift of the scores',
  metric: 'a disparity between groups',
  selectionRateChange: 'change in a group’s selection rate',
  minRows: 'rows in the current data',
};

/** A measure where larger means more drift (p-values: smaller) — the bound a new rule takes. */
const boundKey = (kind: RuleKind, measure: DriftMeasure, metric: string): 'min' | 'max' =>
  kind === 'minRows' ? 'min' : (kind === 'drift' || kind === 'scoreDrift') && measure.endsWith('PValue') ? 'min' : kind === 'metric' && /Ratio|disparateImpact/.test(metric) ? 'min' : 'max';

/**
 * One rule from a small form, appended to the policy's rules (the text must be JSON with a
 * `rules` list first). What the rule means and whether it is valid stays the worker's call.
 */
function RuleRow({ text, onText, columns, attributes }: { text: string; onText: (t: string) => void; columns: string[]; attributes: string[] }) {
  const id = useId();
  const [kind, setKind] = useState<RuleKind>('drift');
  const [measure, setMeasure] = useState<DriftMeasure>('psi');
  const [column, setColumn] = useState('*');
  const [metric, setMetric] = useState<string>('disparateImpact');
  const [attribute, setAttribute] = useState(attributes[0] ?? '');
  const [bound, setBound] = useState('0.25');
  const [action, setAction] = useState<Action>('review');
  let json: { rules?: unknown } | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    json = parsed && typeof parsed === 'object' && Array.isArray((parsed as { rules?: unknown }).rules) ? (parsed as { rules: unknown[] }) : null;
  } catch {
    json = null;
  }
  const key = boundKey(kind, measure, metric);
  const value = Number(bound);
  const add = () => {
    if (!json || !Number.isFinite(value)) return;
    const rule =
      kind === 'drift' ? { drift: measure, column, [key]: value, action }
      : kind === 'scoreDrift' ? { scoreDrift: measure, [key]: value, action }
      : kind === 'metric' ? { metric, attribute, [key]: value, action }
      : kind === 'selectionRateChange' ? { selectionRateChange: attribute, max: value, action }
      : { minRows: Math.round(value), action };
    onText(JSON.stringify({ ...json, rules: [...(json.rules as unknown[]), rule] }, null, 2));
  };
  const field = (name: string) => `${id}-${name}`;
  return (
    <fieldset className="controls" data-testid="policy-rule-row">
      <legend>Add a rule</legend>
      <label htmlFor={field('kind')}>on</label>
      <select id={field('kind')} value={kind} onChange={(e) => setKind(e.target.value as RuleKind)} data-testid="rule-kind">
        {(Object.keys(KIND_LABELS) as RuleKind[]).map((k) => (
          <option key={k} value={k}>
            {KIND_LABELS[k]}
          </option>
        ))}
      </select>
      {(kind === 'drift' || kind === 'scoreDrift') && (
        <>
          <label htmlFor={field('measure')}>measure</label>
          <select id={field('measure')} value={measure} onChange={(e) => setMeasure(e.target.value as DriftMeasure)}>
            {DRIFT_MEASURES.map((m) => (
              <option key={m} value={m}>
                {DRIFT_DEFINITIONS[m].label}
              </option>
            ))}
          </select>
        </>
      )}
      {kind === 'drift' && (
        <>
          <label htmlFor={field('column')}>column</label>
          <select id={field('column')} value={column} onChange={(e) => setColumn(e.target.value)} data-testid="rule-column">
            <option value="*">every column (*)</option>
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </>
      )}
      {kind === 'metric' && (
        <>
          <label htmlFor={field('metric')}>disparity</label>
          <select id={field('metric')} value={metric} onChange={(e) => setMetric(e.target.value)}>
            {FORM_DISPARITIES.map((m) => (
              <option key={m} value={m}>
                {labelOf(m)}
              </option>
            ))}
          </select>
        </>
      )}
      {(kind === 'metric' || kind === 'selectionRateChange') && (
        <>
          <label htmlFor={field('attribute')}>attribute</label>
          <select id={field('attribute')} value={attribute} onChange={(e) => setAttribute(e.target.value)}>
            {attributes.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor={field('bound')}>{key === 'max' ? 'at most' : 'at least'}</label>
      <input id={field('bound')} type="number" step="any" value={bound} onChange={(e) => setBound(e.target.value)} style={{ width: 90 }} data-testid="rule-bound" />
      <label htmlFor={field('action')}>else</label>
      <select id={field('action')} value={action} onChange={(e) => setAction(e.target.value as Action)} data-testid="rule-action">
        <option value="review">review</option>
        <option value="retrain">retrain</option>
        <option value="offline">offline</option>
      </select>
      <button type="button" onClick={add} disabled={!json || !Number.isFinite(value) || bound.trim() === ''} title={json ? undefined : 'The policy text must be JSON with a "rules" list first'} data-testid="rule-add">
        Add rule
      </button>
    </fieldset>
  );
}

/**
 * The committee's policy as JSON text (bias-workbench.policy/1, docs/monitoring.md): edited
 * here, checked by the worker as it is typed (the problem shown inline, by its path), started
 * from a preset, downloaded as a file for `bias-workbench monitor --policy`.
 */
export function PolicyEditor({ text, onText, check, attribute, columns, attributes }: { text: string; onText: (t: string) => void; check: PolicyCheck; attribute: string | null; columns: string[]; attributes: string[] }) {
  const id = useId();
  const invalid = check !== null && !check.ok;
  return (
    <div className="policy-editor">
      <div className="controls">
        <span>Start from:</span>
        {policyPresets(attribute).map((p) => (
          <button key={p.id} type="button" onClick={() => onText(p.text)} data-testid={`policy-preset-${p.id}`}>
            {p.label}
          </button>
        ))}
        <button type="button" onClick={() => downloadFiles([{ name: 'policy.json', data: new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`) }])} data-testid="policy-download">
          Download policy
        </button>
      </div>
      <label htmlFor={`${id}-text`}>Policy (JSON: format {FORMAT}; rules on audit metrics, drift and sample size, each with review, retrain or offline)</label>
      <textarea
        id={`${id}-text`}
        value={text}
        onChange={(e) => onText(e.target.value)}
        rows={14}
        spellCheck={false}
        style={{ display: 'block', width: '100%', fontFamily: 'ui-monospace, monospace', fontSize: '0.82rem' }}
        aria-invalid={invalid}
        aria-describedby={`${id}-check`}
        data-testid="policy-text"
      />
      <p id={`${id}-check`} className={invalid ? 'field-error' : 'hint'} data-testid="policy-check" aria-live="polite">
        {check === null ? 'Checking…' : check.ok ? `Valid policy${check.name ? ` “${check.name}”` : ''}: ${check.rules} rules.` : `${check.problem.message}${check.problem.hint ? ` ${check.problem.hint}` : ''}`}
      </p>
      <RuleRow text={text} onText={onText} columns={columns} attributes={attributes} />
    </div>
  );
}
