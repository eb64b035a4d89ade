import { useId } from 'react';
import type { Problem } from '../../core/errors';
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

/**
 * The committee's policy as JSON text (bias-workbench.policy/1, docs/monitoring.md): edited
 * here, checked by the worker as it is typed (the problem shown inline, by its path), started
 * from a preset, downloaded as a file for `bias-workbench monitor --policy`.
 */
export function PolicyEditor({ text, onText, check, attribute }: { text: string; onText: (t: string) => void; check: PolicyCheck; attribute: string | null }) {
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
    </div>
  );
}
