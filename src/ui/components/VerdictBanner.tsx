import type { PolicyResult, RuleResult } from '../../core/monitor';

const LOOK: Record<PolicyResult['verdict'], { background: string; border: string; headline: string }> = {
  ok: { background: '#e8f5ee', border: '#8cc8a6', headline: 'OK: no rule of the policy breaks' },
  review: { background: '#fff7e0', border: '#e3c66b', headline: 'Review: a rule asks people to look at the model' },
  retrain: { background: '#fdecea', border: '#f0a59c', headline: 'Retrain: a rule says the model no longer fits its data' },
  offline: { background: '#f9dcd8', border: '#c0392b', headline: 'Take the model offline' },
};

function RuleLine({ r }: { r: RuleResult }) {
  return (
    <li data-testid={r.broken ? 'rule-broken' : r.undetermined ? 'rule-undetermined' : 'rule-kept'}>
      <strong>{r.broken ? `${r.action}` : r.undetermined ? 'undetermined' : 'kept'}</strong>: {r.rule}
      {r.evidence ? ` — ${r.evidence}` : ''}
    </li>
  );
}

/**
 * The policy's verdict on the current data: the strongest action of the broken rules (core's
 * evaluatePolicy decides), each broken rule with its evidence, then the undetermined rules
 * (their value does not exist) and, folded, the rules kept. A verdict that takes the model out
 * of service (retrain, offline) is announced as an alert, the others as a status.
 */
export function VerdictBanner({ result, stale }: { result: PolicyResult & { name: string | null }; stale: boolean }) {
  const look = LOOK[result.verdict];
  const broken = result.rules.filter((r) => r.broken);
  const undetermined = result.rules.filter((r) => !r.broken && r.undetermined);
  const kept = result.rules.filter((r) => !r.broken && !r.undetermined);
  const urgent = result.verdict === 'retrain' || result.verdict === 'offline';
  return (
    <div
      role={urgent ? 'alert' : 'status'}
      className={stale ? 'stale' : undefined}
      style={{ background: look.background, border: `1px solid ${look.border}`, borderRadius: 8, padding: '10px 14px', margin: '10px 0' }}
      data-testid="verdict"
      data-verdict={result.verdict}
    >
      <strong style={{ fontSize: '1.1rem' }}>
        Verdict: {result.verdict}
        {result.name ? ` (${result.name})` : ''}
      </strong>{' '}
      — {look.headline}. {broken.length} of {result.rules.length} rules broken
      {undetermined.length > 0 ? `, ${undetermined.length} undetermined` : ''}.
      {broken.length + undetermined.length > 0 && (
        <ul>
          {[...broken, ...undetermined].map((r) => (
            <RuleLine key={r.index} r={r} />
          ))}
        </ul>
      )}
      {kept.length > 0 && (
        <details>
          <summary>{kept.length} rules kept</summary>
          <ul>
            {kept.map((r) => (
              <RuleLine key={r.index} r={r} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
