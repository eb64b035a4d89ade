import { memo, useEffect, useMemo, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import { OversightSession, type OversightSnapshot } from '../../client/oversight';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { DecisionRule } from '../../core/metrics';
import type { AppealState, ReviewItem, VerifyResult } from '../../core/oversight';
import { count, num, pct, signed } from '../../core/format';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { ProblemBanner } from './ProblemBanner';
import { downloadFiles } from '../download';
import { attributeLabel, attributeNameOf, attributeParts } from '../attributes';
import { OVERRIDE_REASONS } from '../../core/workshop';

/** The reviewer's reason categories: the same list the workshop asks participants for. */
const REASONS = OVERRIDE_REASONS.map((r) => r.label);

/** A reviewer's decision on one queued lead: agree, or override with a reason. */
function ReviewCard({ item, onDecide, onEscalate, onAppeal }: { item: ReviewItem; onDecide: (d: 'call' | 'skip', reason: string | null) => void; onEscalate: (reason: string) => void; onAppeal: () => void }) {
  const [category, setCategory] = useState<string>(REASONS[0]);
  const [text, setText] = useState('');
  const other = item.recommendation === 'call' ? 'skip' : 'call';
  const reason = text.trim() ? `${category}: ${text.trim()}` : category;
  return (
    <li className="review-card" data-testid="review-item" data-status={item.status}>
      <div>
        <strong>{item.leadId}</strong> · {item.group} · score {num(item.score)} · the model says <strong>{item.recommendation}</strong>
        {item.status !== 'pending' && (
          <span className="tag">
            {item.status}: {item.decision}
            {item.reason ? ` (${item.reason})` : ''}
          </span>
        )}
      </div>
      <p className="reasons">
        Why:{' '}
        {item.reasons.map((r) => (
          <span key={r.column}>
            {r.column} {signed(r.contribution)}{' '}
          </span>
        ))}
      </p>
      {item.status === 'pending' && (
        <div className="controls">
          <button onClick={() => onDecide(item.recommendation, null)} data-testid="review-uphold">
            Agree: {item.recommendation}
          </button>
          <label>
            reason{' '}
            <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="review-reason">
              {REASONS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            note <input value={text} onChange={(e) => setText(e.target.value)} placeholder="what you know" data-testid="review-note" />
          </label>
          <button onClick={() => onDecide(other, reason)} data-testid="review-override">
            Override: {other}
          </button>
          <button onClick={() => onEscalate(reason)} data-testid="review-escalate">
            Escalate
          </button>
        </div>
      )}
      {(item.decision ?? item.recommendation) === 'skip' && (
        <button className="link" onClick={onAppeal} data-testid="appeal-open">
          The customer appeals this
        </button>
      )}
    </li>
  );
}

const NEXT: Record<AppealState, AppealState[]> = { open: ['under-review'], 'under-review': ['upheld', 'overturned'], upheld: [], overturned: [] };

/**
 * Oversight for real decisions: a review queue where people uphold or override the model with a
 * reason, the customer's right to appeal a "not called" decision (open → under review → upheld |
 * overturned), and the decision log every such step is appended to — hash-chained, kept in this
 * browser, exported as JSON Lines and verified here or with `bias-workbench log verify`.
 */
export const OversightPanel = memo(function OversightPanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  decision: DecisionRule;
}) {
  const { session, dataset, model, roles } = props;
  const modelId = model.fingerprint ?? `model:${model.id}`;
  const attrs = useMemo(() => attributeParts(props.attribute, roles), [props.attribute, roles]);
  const threshold = props.decision.rule === 'threshold' ? props.decision.threshold : model.manifest.threshold ?? 0.5;
  const [oversight, setOversight] = useState<OversightSession | null>(null);
  const [snap, setSnap] = useState<OversightSnapshot>({ items: [], appeals: [], log: [] });
  const [verified, setVerified] = useState<VerifyResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => new Date().toISOString());
  const [notes, setNotes] = useState<Record<string, string>>({});
  const { items, appeals, log } = snap;

  useEffect(() => {
    let live = true;
    let opened: OversightSession | null = null;
    OversightSession.open(modelId, threshold)
      .then((s) => {
        opened = s;
        if (!live) return s.close();
        setOversight(s);
        setSnap(s.snapshot());
      })
      .catch((e: unknown) => setProblem({ code: 'internal', message: `This browser did not open its local store (IndexedDB): ${problemOf(e).message}`, hint: 'Oversight needs IndexedDB; private windows of some browsers refuse it.' }));
    return () => {
      live = false;
      opened?.close();
    };
  }, [modelId, threshold]);

  /** Run one oversight step, then show the state it left (and any problem it raised). */
  async function act(step: (o: OversightSession) => Promise<unknown>) {
    if (!oversight) return;
    try {
      await step(oversight);
      setSnap(oversight.snapshot());
      setVerified(null);
      setNow(new Date().toISOString());
      setProblem(null);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  async function buildQueue() {
    setBusy(true);
    await act(async (o) => {
      const exclude = items.map((i) => i.row);
      const queued = await session.audit.call(undefined, (api) => api.reviewQueue({ dataset: dataset.id, model: model.id, roles, attribute: attrs, threshold, size: 12, seed: items.length + 1, exclude }));
      await o.queue(queued);
    });
    setBusy(false);
  }

  // cheap (a handful of appeals), and `snap` changes with every step
  const stats = appeals.length > 0 && oversight ? oversight.stats(now) : null;
  const ages = oversight ? oversight.ages(now) : {};
  const reviewed = items.filter((i) => i.status !== 'pending');
  const overrides = reviewed.filter((i) => i.status === 'overridden').length;

  return (
    <>
      <h2>6 · Oversight</h2>
      <p className="hint">
        A decision-support system, not a decision-making one: people review the model's calls and may override them with a reason; a customer whose lead was not called
        can appeal, and a person decides the appeal. Every step is appended to a decision log kept in this browser, chained by hashes so that any later edit shows.
      </p>
      {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} testId="oversight-problem" />}
      <p className="provenance" data-testid="oversight-provenance">
        <span className="provenance-label">Reviewing:</span> model “{model.name}” ({modelId.slice(0, 12)}…) · threshold {num(threshold, 2)} · groups by {attributeLabel(attributeNameOf(attrs))} · you are{' '}
        {oversight?.actor ?? '…'}
      </p>
      <h3>Review queue</h3>
      <div className="controls">
        <button className="primary" onClick={() => void buildQueue()} disabled={busy || !oversight} data-testid="review-build">
          {busy ? 'Choosing leads…' : items.length ? 'Add 12 more leads to review' : 'Choose 12 leads to review'}
        </button>
        <span className="footnote" data-testid="review-counts">
          {count(items.length)} queued · {count(reviewed.length)} reviewed · {count(overrides)} overridden ({reviewed.length ? pct(overrides / reviewed.length) : 'undefined'})
        </span>
      </div>
      <ul className="review-list">
        {items.map((it) => (
          <ReviewCard
            key={it.leadId}
            item={it}
            onDecide={(d, r) => void act((o) => o.decide(it.leadId, d, r))}
            onEscalate={(r) => void act((o) => o.escalate(it.leadId, r))}
            onAppeal={() => void act((o) => o.appeal(it.leadId, 'appeal received'))}
          />
        ))}
      </ul>
      <h3>Appeals</h3>
      {appeals.length === 0 ? (
        <p className="hint">No appeals yet. A lead the model would not call can be appealed from the review queue.</p>
      ) : (
        <table className="appeals" data-testid="appeals">
          <thead>
            <tr>
              <th scope="col">lead</th>
              <th scope="col">group</th>
              <th scope="col">state</th>
              <th scope="col">age</th>
              <th scope="col">history</th>
              <th scope="col">next step</th>
            </tr>
          </thead>
          <tbody>
            {appeals.map((a) => (
              <tr key={a.id} data-state={a.state}>
                <th scope="row">{a.leadId}</th>
                <td>{a.group}</td>
                <td>{a.state}</td>
                <td className="num">{num(ages[a.id] ?? null, 1)} days</td>
                <td>{a.history.map((h) => `${h.state} (${h.actor}${h.note ? `: ${h.note}` : ''})`).join(' → ')}</td>
                <td>
                  {NEXT[a.state].length > 0 && (
                    <input
                      className="note"
                      value={notes[a.id] ?? ''}
                      onChange={(e) => setNotes((n) => ({ ...n, [a.id]: e.target.value }))}
                      placeholder="reviewer's note"
                      aria-label={`reviewer's note on the appeal for lead ${a.leadId}`}
                      data-testid="appeal-note"
                    />
                  )}
                  {NEXT[a.state].map((to) => (
                    <button
                      key={to}
                      onClick={() => {
                        const note = (notes[a.id] ?? '').trim() || (to === 'under-review' ? 'taken for review' : to === 'overturned' ? 'a person found the lead viable' : 'a person confirmed the decision');
                        setNotes((n) => ({ ...n, [a.id]: '' }));
                        void act((o) => o.stepAppeal(a.id, to, note));
                      }}
                      data-testid={`appeal-${to}`}
                    >
                      {to === 'under-review' ? 'Start the review' : to === 'upheld' ? 'Uphold the decision' : 'Overturn: call the lead'}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {appeals.length > 0 && stats && (
        <table className="appeal-stats" data-testid="appeal-stats">
          <caption>Appeals overturned, by group (are one group's appeals overturned more often?)</caption>
          <thead>
            <tr>
              <th scope="col">group</th>
              <th scope="col">appeals</th>
              <th scope="col">decided</th>
              <th scope="col">overturned</th>
              <th scope="col">overturn rate</th>
              <th scope="col">median age</th>
            </tr>
          </thead>
          <tbody>
            {[...stats.groups, stats.overall].map((g) => (
              <tr key={g.group}>
                <th scope="row">{g.group}</th>
                <td className="num">{count(g.appeals)}</td>
                <td className="num">{count(g.decided)}</td>
                <td className="num">{count(g.overturned)}</td>
                <td className="num">
                  {pct(g.overturnRate)}
                  {g.interval && <span className="ci">{`${pct(g.interval[0])}–${pct(g.interval[1])}`}</span>}
                </td>
                <td className="num">{g.medianAgeDays === null ? '—' : `${num(g.medianAgeDays, 1)} days`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Decision log</h3>
      <div className="controls">
        <button
          onClick={() =>
            void act(async (o) => {
              await o.refresh();
              downloadFiles([{ name: 'decisions.jsonl', data: new TextEncoder().encode(o.exportJsonLines()) }]);
            })
          }
          disabled={log.length === 0}
          data-testid="log-export"
        >
          Export the log (JSON Lines)
        </button>
        <button
          onClick={() =>
            void act(async (o) => {
              await o.refresh();
              downloadFiles([{ name: 'decisions-pseudonymous.jsonl', data: new TextEncoder().encode(o.exportJsonLines({ pseudonymous: true })) }]);
            })
          }
          disabled={log.length === 0}
          data-testid="log-export-pseudonymous"
          title="Lead ids (from the data's id column) replaced by salted pseudonyms, the copy chained again: it verifies on its own, not against this log's hashes"
        >
          Export with pseudonymous lead ids
        </button>
        <button
          onClick={() =>
            // the stored chain, with what other tabs appended
            void act((o) => o.refresh()).then(() => oversight && setVerified(oversight.verify()))
          }
          disabled={log.length === 0}
          data-testid="log-verify"
        >
          Verify the chain
        </button>
        {verified && (
          <span className={verified.ok ? 'footnote' : 'warning'} data-testid="log-verified" role="status">
            {verified.ok ? `Intact: ${count(verified.entries)} entries, head ${verified.head.slice(0, 16)}…` : `Broken at entry ${verified.seq ?? verified.index + 1}: ${verified.message}`}
          </span>
        )}
      </div>
      <table className="log" data-testid="decision-log">
        <caption className="visually-hidden">The decision log, newest last</caption>
        <thead>
          <tr>
            <th scope="col">seq</th>
            <th scope="col">at</th>
            <th scope="col">kind</th>
            <th scope="col">lead</th>
            <th scope="col">score</th>
            <th scope="col">decision</th>
            <th scope="col">override</th>
            <th scope="col">reason</th>
            <th scope="col">actor</th>
            <th scope="col">hash</th>
          </tr>
        </thead>
        <tbody>
          {log.slice(-50).map((e) => (
            <tr key={e.seq}>
              <td className="num">{e.seq}</td>
              <td>{e.at.replace('T', ' ').slice(0, 19)}</td>
              <td>{e.kind}</td>
              <td>{e.leadId}</td>
              <td className="num">{num(e.score)}</td>
              <td>{e.decision ?? ''}</td>
              <td>{e.override ? 'yes' : ''}</td>
              <td>{e.reason ?? ''}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.hash.slice(0, 10)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.length > 50 && <p className="footnote">The last 50 of {count(log.length)} entries; the export holds them all.</p>}
    </>
  );
});
