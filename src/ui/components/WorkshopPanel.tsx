import { memo, useEffect, useMemo, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import { workshopLink } from '../../client/workshop';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import {
  CONDITION_LABELS,
  conditionLabel,
  defaultWorkshopConfig,
  MAX_LEADS,
  MIN_LEADS,
  WORKSHOP_CONDITIONS,
  WORKSHOP_DEFINITIONS,
  WORKSHOP_RATE_KEYS,
  workshopIdFor,
  type ComparisonKey,
  type WorkshopCondition,
  type WorkshopConfig,
  type WorkshopSummaryJson,
} from '../../core/workshop';
import { count, pct, points, undefinedText } from '../../core/format';
import * as charts from '../../charts';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { LightChart } from './LightChart';
import { ProblemBanner } from './ProblemBanner';
import { downloadFiles } from '../download';
import { useEscape } from '../hooks';

/** The QR code of a link as one SVG path (dark modules), with the quiet zone the standard asks for. */
function QrCode({ text }: { text: string }) {
  const { d, size } = useMemo(() => {
    const m = charts.qrMatrix(text);
    const parts: string[] = [];
    m.forEach((row, r) => row.forEach((dark, c) => dark && parts.push(`M${c + 4} ${r + 4}h1v1h-1z`)));
    return { d: parts.join(''), size: m.length + 8 };
  }, [text]);
  return (
    <svg className="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label="QR code of the participants' link" data-testid="workshop-qr" shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
}

/** A rate with its interval, or "undefined (why)". */
function Rate({ value, reason, interval, as = 'percent', testId }: { value: number | null; reason?: string; interval?: [number, number]; as?: 'percent' | 'points'; testId?: string }) {
  const f = as === 'percent' ? pct : points;
  if (value === null) {
    return (
      <td className="undef" data-testid={testId} data-value="null">
        {undefinedText(reason)}
      </td>
    );
  }
  return (
    <td className="num" data-testid={testId} data-value={String(value)}>
      {f(value)}
      {interval && <span className="ci">{`${f(interval[0])} – ${f(interval[1])}`}</span>}
    </td>
  );
}

const COMPARISON: { key: ComparisonKey; label: string }[] = [
  { key: 'humanPlusModel', label: 'people with the score' },
  { key: 'modelAlone', label: 'the model alone, same leads' },
  { key: 'humanAlone', label: 'people without the score' },
];

/** The debrief: per condition, the comparison, the chart; in the page and in the projector view. */
function Debrief({ summary, large = false }: { summary: WorkshopSummaryJson; large?: boolean }) {
  const spec = useMemo(() => charts.workshopFollowSpec(summary), [summary]);
  const cols = ['decisions', ...WORKSHOP_RATE_KEYS, 'humanDemographicParityDifference'] as const;
  return (
    <div className={large ? 'debrief large' : 'debrief'} data-testid={large ? 'debrief-projector' : 'debrief'}>
      <p data-testid="debrief-counts">
        {count(summary.participants)} participants · {count(summary.decisions)} decisions · workshop {summary.workshopIds.join(', ')}
      </p>
      <ul className="headline">
        {summary.conditions
          .filter((c) => c.followRateWhenModelWrong !== null)
          .map((c) => (
            <li key={c.condition}>
              <strong>{conditionLabel(c.condition)}</strong>: {c.condition === 'score-hidden' ? 'without seeing the score, people decided as the model would' : 'people followed the model'}{' '}
              <strong>{pct(c.followRateWhenModelWrong)}</strong> of the time when it was wrong, {pct(c.followRateWhenModelRight)} when it was right.
            </li>
          ))}
      </ul>
      <LightChart spec={spec} testId={large ? 'debrief-chart-projector' : 'debrief-chart'} />
      <table className="debrief-table" data-testid="debrief-table">
        <caption>
          By condition, with {Math.round(summary.intervalLevel * 100)} % Wilson intervals under each rate. Follow = the decision equals the model's recommendation; the model is wrong when
          its recommendation disagrees with the true outcome.
        </caption>
        <thead>
          <tr>
            <th scope="col">condition</th>
            {cols.map((k) => (
              <th key={k} scope="col" title={`${WORKSHOP_DEFINITIONS[k].plain} ${WORKSHOP_DEFINITIONS[k].formula}`}>
                {WORKSHOP_DEFINITIONS[k].label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {summary.conditions.map((c) => (
            <tr key={c.condition} data-condition={c.condition}>
              <th scope="row">{conditionLabel(c.condition)}</th>
              <td className="num" data-testid="cell-decisions" data-value={String(c.decisions)}>
                {count(c.decisions)}
              </td>
              {WORKSHOP_RATE_KEYS.map((k) => (
                <Rate key={k} value={c[k]} reason={c.undefinedReasons[k]} interval={c.intervals[k]} testId={`cell-${k}`} />
              ))}
              <Rate
                value={c.humanDemographicParityDifference}
                reason={c.undefinedReasons.humanDemographicParityDifference}
                as="points"
                testId="cell-humanDemographicParityDifference"
              />
            </tr>
          ))}
        </tbody>
      </table>
      <table className="debrief-table comparison" data-testid="debrief-comparison">
        <caption>Who decides best? Accuracy on the decisions with a known outcome</caption>
        <thead>
          <tr>
            {COMPARISON.map((c) => (
              <th key={c.key} scope="col" title={WORKSHOP_DEFINITIONS[c.key].plain}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {COMPARISON.map((c) => (
              <Rate key={c.key} value={summary.comparison[c.key]} reason={summary.comparisonReasons[c.key]} interval={summary.comparisonIntervals[c.key]} testId={`cell-${c.key}`} />
            ))}
          </tr>
        </tbody>
      </table>
      {summary.warnings.length > 0 && (
        <ul className="warnings" data-testid="debrief-warnings">
          {summary.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Workshop, the facilitator's side: the setup (material, leads, the share where the model is
 * wrong, the conditions, the seed) as a link and a QR code for the projector — config and seed
 * only, no data — and the debrief from the participants' results files, with a projector view.
 */
export const WorkshopPanel = memo(function WorkshopPanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary | null;
  model: ModelSummary | null;
  roles: DatasetRoles | null;
  /** the participants' results files the debrief was made from, as a project kept them (debriefed again at mount) */
  saved?: unknown[];
  /** told when results are imported, for the project to keep */
  onSaved?: (results: unknown[]) => void;
}) {
  const { session, dataset, model, roles } = props;
  const [seed, setSeed] = useState(1);
  const [title, setTitle] = useState('');
  const [leads, setLeads] = useState(defaultWorkshopConfig.leadsPerParticipant);
  const [wrongShare, setWrongShare] = useState(defaultWorkshopConfig.wrongShare);
  const [conditions, setConditions] = useState<WorkshopCondition[]>([...WORKSHOP_CONDITIONS]);
  const [materialKind, setMaterialKind] = useState<'crm-demo' | 'custom'>('crm-demo');
  const [groupColumn, setGroupColumn] = useState<string | null>(null);
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [summary, setSummary] = useState<WorkshopSummaryJson | null>(null);
  const [projector, setProjector] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  useEscape(projector, () => setProjector(false));

  const protectedColumns = roles?.protected.map((p) => p.column) ?? [];
  const group = groupColumn && protectedColumns.includes(groupColumn) ? groupColumn : (protectedColumns[0] ?? null);
  useEffect(() => {
    let live = true;
    setFingerprint(null);
    if (dataset && model) {
      session.audit
        .call(undefined, (api) => api.workshopFingerprint({ dataset: dataset.id, model: model.id }))
        .then((f) => live && setFingerprint(f))
        .catch(() => undefined);
    }
    return () => {
      live = false;
    };
  }, [session, dataset, model]);
  const customReady = Boolean(dataset && model && fingerprint && group);
  const kind = materialKind === 'custom' && customReady ? 'custom' : 'crm-demo';

  const { config, link, error } = useMemo(() => {
    const c: WorkshopConfig = {
      ...defaultWorkshopConfig,
      id: workshopIdFor(seed),
      seed,
      leadsPerParticipant: leads,
      wrongShare,
      conditions: WORKSHOP_CONDITIONS.filter((x) => conditions.includes(x)),
      material: kind === 'custom' ? { kind: 'custom', fingerprint: fingerprint!, name: `${dataset!.name} + ${model!.name}`.slice(0, 200), groupColumn: group! } : { kind: 'crm-demo' },
      ...(title.trim() ? { title: title.trim() } : {}),
    };
    try {
      return { config: c, link: workshopLink(c, window.location.href), error: null };
    } catch (e) {
      return { config: c, link: null, error: problemOf(e).message };
    }
  }, [seed, leads, wrongShare, conditions, kind, fingerprint, dataset, model, group, title]);

  async function debriefOf(texts: { name: string; text: string }[], keep: boolean) {
    setBusy(true);
    try {
      const s = await session.audit.call(undefined, (api) => api.workshopDebrief({ files: texts }));
      setSummary(s);
      setProblem(null);
      if (keep) props.onSaved?.(texts.map((t) => JSON.parse(t.text) as unknown));
    } catch (e) {
      // the debrief already shown stays
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  }
  async function importResults(files: File[]) {
    if (files.length === 0) return;
    await debriefOf(await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))), true);
  }
  // results a project kept: the debrief made again from them
  useEffect(() => {
    const kept = props.saved;
    if (kept?.length) void debriefOf(kept.map((r, i) => ({ name: `result-${i + 1}.json`, text: JSON.stringify(r) })), false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <>
      <h2>8 · Workshop</h2>
      <p className="hint">
        Train a sales team against automation bias: each participant decides on real-looking leads, sometimes with the model's score, sometimes with its explanation, sometimes
        without it, and some of the scores are wrong. The debrief shows whether people followed the score when it was wrong. No server: the link carries the setup, each
        participant's browser does the rest, and results come back as files.
      </p>
      {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} testId="workshop-panel-problem" />}
      <div className="layout">
        <section className="panel" aria-labelledby="ws-setup">
          <h3 id="ws-setup">Set up</h3>
          <div className="form-grid">
            <label>
              Title (optional) <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="Lead scores and automation bias" data-testid="ws-title" />
            </label>
            <fieldset>
              <legend>Material</legend>
              <label className="choice">
                <input type="radio" name="ws-material" checked={kind === 'crm-demo'} onChange={() => setMaterialKind('crm-demo')} data-testid="ws-material-crm" /> the CRM demo (synthetic leads
                with known true outcomes; small towns scored low)
              </label>
              <label className="choice">
                <input type="radio" name="ws-material" checked={kind === 'custom'} disabled={!customReady} onChange={() => setMaterialKind('custom')} data-testid="ws-material-custom" /> the loaded data and
                model{dataset && model ? ` (${dataset.name}, ${model.name})` : ''}: participants load the same files, checked by fingerprint; the true outcome is the model's target column
              </label>
              {!customReady && <p className="footnote">{!dataset || !model ? 'Load data and a model in step 1 to use them.' : !group ? 'Choose a protected attribute in step 1 to group the leads by.' : 'Reading the files’ fingerprint…'}</p>}
              {kind === 'custom' && protectedColumns.length > 1 && (
                <label>
                  Groups by{' '}
                  <select value={group ?? ''} onChange={(e) => setGroupColumn(e.target.value)} data-testid="ws-group">
                    {protectedColumns.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                </label>
              )}
            </fieldset>
            <label>
              Leads per participant{' '}
              <input type="number" min={MIN_LEADS} max={MAX_LEADS} value={leads} onChange={(e) => setLeads(Math.round(Number(e.target.value)))} data-testid="ws-leads" />
            </label>
            <label>
              Share of leads where the model is wrong (%){' '}
              <input type="number" min={0} max={100} step={5} value={Math.round(wrongShare * 100)} onChange={(e) => setWrongShare(Number(e.target.value) / 100)} data-testid="ws-wrong" />
            </label>
            <fieldset>
              <legend>Conditions (each participant meets every chosen one, in a seeded order)</legend>
              {WORKSHOP_CONDITIONS.map((c) => (
                <label key={c} className="choice">
                  <input
                    type="checkbox"
                    checked={conditions.includes(c)}
                    onChange={(e) => setConditions((cs) => (e.target.checked ? [...cs, c] : cs.filter((x) => x !== c)))}
                    data-testid={`ws-condition-${c}`}
                  />{' '}
                  {CONDITION_LABELS[c]}
                </label>
              ))}
            </fieldset>
            <label>
              Seed <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.round(Number(e.target.value))))} data-testid="ws-seed" />
            </label>
          </div>
        </section>
        <section className="panel" aria-labelledby="ws-link">
          <h3 id="ws-link">The participants' link</h3>
          {error ? (
            <p className="warning" role="alert" data-testid="ws-link-error">
              {error}
            </p>
          ) : (
            link && (
              <>
                <p>
                  Workshop <strong data-testid="ws-id">{config.id}</strong>: {config.leadsPerParticipant} leads each, {pct(config.wrongShare, 0)} of them scored wrong,{' '}
                  {config.conditions.map(conditionLabel).join(', ')}.
                </p>
                <label className="link-field">
                  Link (setup and seed only, no data){' '}
                  <input readOnly value={link} onFocus={(e) => e.target.select()} data-testid="workshop-link" />
                </label>
                <div className="controls">
                  <button onClick={() => void navigator.clipboard?.writeText(link).catch(() => undefined)}>Copy the link</button>
                  <a href={link} target="_blank" rel="noopener noreferrer" data-testid="ws-open-participant">
                    Open the participant page
                  </a>
                </div>
                <QrCode text={link} />
                <p className="footnote">
                  The link opens this same app with the workshop's setup; participants need the app at this address (or their own copy of it: only the part after “?” matters).
                </p>
              </>
            )
          )}
        </section>
      </div>
      <section className="panel wide" aria-labelledby="ws-debrief">
        <h3 id="ws-debrief">Debrief</h3>
        <div className="controls">
          <label>
            Participants' results files{' '}
            <input type="file" multiple accept=".json,application/json" onChange={(e) => void importResults(Array.from(e.target.files ?? []))} disabled={busy} data-testid="debrief-files" />
          </label>
          {summary && (
            <>
              <button onClick={() => setProjector(true)} data-testid="debrief-projector-open">
                Projector view
              </button>
              <button
                onClick={() => downloadFiles([{ name: `workshop-debrief-${summary.workshopIds.join('-') || 'results'}.json`, data: new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`) }])}
                data-testid="debrief-download"
              >
                Download the debrief (JSON)
              </button>
            </>
          )}
        </div>
        {summary ? <Debrief summary={summary} /> : <p className="hint">Choose every participant's results file at once (workshop-….json); the same numbers as `bias-workbench workshop summarize`.</p>}
      </section>
      {projector && summary && (
        <div className="projector" role="dialog" aria-modal="true" aria-labelledby="projector-title">
          <div className="projector-bar">
            <h2 id="projector-title">{config.title ?? 'Did we follow the score when it was wrong?'}</h2>
            <button onClick={() => setProjector(false)} autoFocus data-testid="debrief-projector-close" aria-keyshortcuts="Escape">
              Close (Esc)
            </button>
          </div>
          <Debrief summary={summary} large />
        </div>
      )}
    </>
  );
});
