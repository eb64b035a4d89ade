import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { IdentifierAction } from '../../core/anonymise';
import { count } from '../../core/format';
import type { MadeReport, ReportAuditOptions, ReportPreview, ReportSettings } from '../../../workers/report-jobs';
import { ProblemBanner } from './ProblemBanner';
import { useLatestCall } from '../hooks';
import { downloadFiles } from '../download';
import { attributeLabel } from '../attributes';
import { finishedScenarios, oversightSummary, type PageReportSources } from '../../client/report-inputs';

/** The default k of small-cell suppression (core/anonymise DEFAULT_K). */
const DEFAULT_K = 10;

const ACTION_TEXT: Record<IdentifierAction, string> = { drop: 'dropped', hash: 'replaced by a salted hash' };

/** A file name from the report's title: letters, digits and dashes. */
function fileBase(datasetName: string): string {
  const stem = datasetName.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `impact-assessment-${stem || 'data'}`;
}

/**
 * The impact-assessment report from the page: the person chooses k, what to do with
 * identifier-like columns and which other columns could single someone out, sees what the
 * report will remove or hide (the worker's reportPreview), confirms, and downloads the
 * self-contained HTML and/or its JSON twin (the worker's makeReport: core's buildAssessment,
 * the same as `bias-workbench report`). Nothing is sent anywhere: the files are Blobs saved by
 * the browser.
 */
export function ReportDialog(props: {
  session: WorkbenchSession;
  pair: { dataset: string; model: string };
  roles: DatasetRoles;
  audit: ReportAuditOptions;
  datasetName: string;
  /** what the other tabs hold (Mitigate & compare, Monitor, Explain), read when the dialog opens */
  sources?: () => PageReportSources;
  onClose: () => void;
}) {
  const { session, pair, roles, audit } = props;
  const [sources] = useState(() => props.sources?.() ?? null);
  const finished = useMemo(() => finishedScenarios(sources?.compare), [sources]);
  const [chosen, setChosen] = useState('');
  // the decision log and appeals kept in this browser: counts only (null: none kept)
  const [oversight, setOversight] = useState<{ value: Awaited<ReturnType<typeof oversightSummary>> } | null>(sources ? null : { value: null });
  useEffect(() => {
    if (!sources) return;
    let live = true;
    oversightSummary(sources.logModelId).then(
      (value) => live && setOversight({ value }),
      () => live && setOversight({ value: null }),
    );
    return () => {
      live = false;
    };
  }, [sources]);
  const id = useId();
  const [kText, setKText] = useState(String(DEFAULT_K));
  const [action, setAction] = useState<IdentifierAction>('drop');
  const [quasi, setQuasi] = useState<string[]>([]);
  const [systemName, setSystemName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [importance, setImportance] = useState(true);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const made = useRef<{ key: string; report: MadeReport } | null>(null);
  const [done, setDone] = useState<{ name: string; bytes: number; ms: number }[]>([]);

  const k = /^\s*\d+\s*$/.test(kText) && Number(kText) >= 2 ? Number(kText) : null;
  const settings: ReportSettings = {
    k: k ?? DEFAULT_K,
    quasiIdentifiers: quasi,
    identifierAction: action,
    importance,
    system: { name: systemName, purpose },
    compare: finished,
    chosenScenario: chosen || null,
    policyText: sources?.policy ?? null,
    oversight: oversight?.value ?? null,
    shap: sources?.shap ?? null,
    gap: sources?.gap ?? null,
  };
  // appeals by group are suppressed like every table: the preview waits for them
  const previewKey = k === null || oversight === null ? null : JSON.stringify({ pair, roles, audit, k, quasi, action });
  const preview = useLatestCall<ReportPreview>(previewKey, () => session.audit.call(undefined, (api) => api.reportPreview({ ...pair, roles, audit, settings })));
  const p = preview.result && preview.resultKey === previewKey ? preview.result : null;
  const previewProblem = preview.error && preview.resultKey === previewKey ? problemOf(preview.error) : null;
  // what the person confirmed is what gets made: a change of settings asks again
  const reportKey = JSON.stringify({ previewKey, importance, systemName, purpose, chosen });
  const [confirmedKey, setConfirmedKey] = useState<string | null>(null);
  const isConfirmed = confirmed && confirmedKey === previewKey;

  async function download(format: 'html' | 'json') {
    setProblem(null);
    try {
      let report = made.current?.key === reportKey ? made.current.report : null;
      if (!report) {
        setBusy('Making the report…');
        report = await session.onJobs(undefined, (api) => api.makeReport({ ...pair, roles, audit, settings }));
        made.current = { key: reportKey, report };
      }
      const text = format === 'html' ? report.html : report.json;
      const data = new TextEncoder().encode(text);
      const name = `${fileBase(props.datasetName)}.${format}`;
      downloadFiles([{ name, data }]);
      setDone((d) => [...d.filter((x) => x.name !== name), { name, bytes: data.byteLength, ms: report.ms }]);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(null);
    }
  }

  const candidates = p?.candidates ?? [];
  return (
    <section className="report-dialog" aria-labelledby={`${id}-title`} data-testid="report-dialog">
      <h3 id={`${id}-title`}>Impact-assessment report</h3>
      <p>
        One HTML file that opens anywhere without a network (print it to PDF from the browser) and its JSON twin, made from this audit. Before anything is saved, check
        what the report removes and hides.
      </p>
      {problem && <ProblemBanner problem={problem} testId="report-problem" />}
      <fieldset>
        <legend>The system</legend>
        <label>
          Name <input value={systemName} onChange={(e) => setSystemName(e.target.value)} data-testid="report-system-name" placeholder="e.g. Lead score v3" />
        </label>{' '}
        <label>
          Purpose <input value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder="what the scores decide" />
        </label>
      </fieldset>
      <fieldset data-testid="report-sources">
        <legend>From the other tabs</legend>
        <ul>
          <li data-testid="report-source-compare">
            Mitigate &amp; compare:{' '}
            {finished ? (
              <>
                {count(finished.results.length)} scenario{finished.results.length === 1 ? '' : 's'} with results
                {finished.baseline ? `, differences from “${finished.baseline}”` : ''}.{' '}
                <label>
                  The scenario we adopt{' '}
                  <select value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="report-chosen">
                    <option value="">none</option>
                    {finished.results.map((r) => (
                      <option key={r.name} value={r.name}>
                        {r.name}
                      </option>
                    ))}
                  </select>
                </label>
              </>
            ) : (
              'not done (no scenario has finished).'
            )}
          </li>
          <li data-testid="report-source-explain">
            Explain:{' '}
            {sources?.shap
              ? `mean |SHAP| over ${count(sources.shap.rows)} leads${sources.gap ? `, the gap between ${sources.gap.groupA} and ${sources.gap.groupB} split by column` : ''}.`
              : 'SHAP not done (run it in the Explain tab to include it).'}{' '}
            Proxies{importance ? ' and permutation importance' : ''} are computed for the report.
          </li>
          <li data-testid="report-source-monitor">Monitor: {sources?.policy?.trim() ? 'the policy as written in the Monitor tab.' : 'no policy written (not done).'}</li>
          <li data-testid="report-source-oversight">
            Oversight:{' '}
            {oversight === null
              ? 'reading the decision log…'
              : oversight.value
                ? `${oversight.value.log ? `the decision log (${count(oversight.value.log.entries)} entries, ${count(oversight.value.log.overrides)} overrides, chain ${oversight.value.log.intact ? 'intact' : 'broken'})` : 'no decision log'}, ${count(oversight.value.appeals?.length ?? 0)} group${oversight.value.appeals?.length === 1 ? '' : 's'} with appeals.`
                : 'no decision log or appeal kept for this model (not done).'}{' '}
            Workshop findings: not included from the page (pass the debrief to <code>bias-workbench report --workshop</code>).
          </li>
        </ul>
      </fieldset>
      <fieldset>
        <legend>Anonymisation</legend>
        <label>
          k (small-cell suppression){' '}
          <input type="number" min={2} value={kText} onChange={(e) => setKText(e.target.value)} data-testid="report-k" aria-invalid={k === null || undefined} />
        </label>
        {k === null && (
          <span className="error" role="alert" data-testid="report-k-error">
            k must be a whole number of at least 2.
          </span>
        )}
        <div role="radiogroup" aria-label="Identifier-like columns">
          Identifier-like columns:{' '}
          <label>
            <input type="radio" name={`${id}-action`} checked={action === 'drop'} onChange={() => setAction('drop')} data-testid="report-drop" /> drop them
          </label>{' '}
          <label>
            <input type="radio" name={`${id}-action`} checked={action === 'hash'} onChange={() => setAction('hash')} data-testid="report-hash" /> replace by a salted hash
          </label>
        </div>
        {candidates.length > 0 && (
          <details>
            <summary>Quasi-identifiers for the k-anonymity check ({quasi.length} chosen)</summary>
            <p className="footnote">Columns that, together with the protected ones, could single a person out (a postcode, a job title, an exact age).</p>
            {candidates.map((c) => (
              <label key={c} className="inline-check">
                <input type="checkbox" checked={quasi.includes(c)} onChange={(e) => setQuasi((q) => (e.target.checked ? [...q, c] : q.filter((x) => x !== c)))} data-testid={`report-quasi-${c}`} /> {c}
              </label>
            ))}
          </details>
        )}
        <label>
          <input type="checkbox" checked={importance} onChange={(e) => setImportance(e.target.checked)} /> include permutation importance (3 runs of the model per column over every row)
        </label>
      </fieldset>
      {previewProblem && <ProblemBanner problem={previewProblem} testId="report-preview-problem" />}
      {p ? (
        <div className="report-preview" data-testid="report-preview" aria-live="polite">
          <h4>What the report removes or hides</h4>
          <ul>
            <li data-testid="report-identifiers">
              {p.identifiers.length === 0
                ? 'No identifier-like column found.'
                : `Identifier-like columns, ${ACTION_TEXT[p.identifierAction]} (none of their values is in the report): ${p.identifiers.map((f) => `${f.column} (${f.kind}: ${f.reason})`).join('; ')}.`}
            </li>
            <li data-testid="report-suppressed">
              {p.suppressed.length === 0 ? `No group has fewer than ${p.k} rows: nothing is suppressed.` : `${count(p.suppressed.length)} cells shown as "fewer than ${p.k}" with their rates withheld:`}
              {p.suppressed.length > 0 && (
                <ul>
                  {p.suppressed.slice(0, 12).map((c, i) => (
                    <li key={i}>
                      {attributeLabel(c.table)}: {c.cell}
                      {c.kind === 'complementary' ? ' (hidden so the small one cannot be worked out by subtraction)' : ''}
                    </li>
                  ))}
                  {p.suppressed.length > 12 && <li>and {count(p.suppressed.length - 12)} more</li>}
                </ul>
              )}
            </li>
            <li data-testid="report-k-anonymity">
              k-anonymity over {p.kAnonymity.columns.join(', ')}: {count(p.kAnonymity.classes)} combinations, the smallest holds {count(p.kAnonymity.smallestClass)} rows —{' '}
              {p.kAnonymity.satisfied
                ? `every combination holds at least ${p.k} rows.`
                : `${count(p.kAnonymity.classesBelowK)} hold fewer than ${p.k} (${count(p.kAnonymity.rowsBelowK)} rows). The report publishes no rows, only groups of at least ${p.k}; the data itself should not leave without coarsening.`}
            </li>
            <li>No row of the data is in the report: only counts, rates and summaries of groups of at least {p.k}.</li>
          </ul>
          <label>
            <input
              type="checkbox"
              checked={isConfirmed}
              onChange={(e) => {
                setConfirmed(e.target.checked);
                setConfirmedKey(previewKey);
              }}
              data-testid="report-confirm"
            />{' '}
            I have checked what is removed and hidden
          </label>
        </div>
      ) : (
        k !== null && !previewProblem && <p className="footnote">Checking what the report would hide…</p>
      )}
      <div className="controls">
        <button className="primary" disabled={!isConfirmed || !p || busy !== null} onClick={() => void download('html')} data-testid="report-download-html">
          Download the report (HTML)
        </button>
        <button disabled={!isConfirmed || !p || busy !== null} onClick={() => void download('json')} data-testid="report-download-json">
          Download its JSON twin
        </button>
        <button className="link" onClick={props.onClose} data-testid="report-close">
          Close
        </button>
        {busy && (
          <span role="status" data-testid="report-busy">
            {busy}
          </span>
        )}
      </div>
      {done.length > 0 && (
        <p className="footnote" data-testid="report-done">
          {done.map((d) => `${d.name}: ${count(Math.round(d.bytes / 1024))} KiB`).join(' · ')} · made in the worker in {(done[done.length - 1].ms / 1000).toFixed(1)} s
        </p>
      )}
    </section>
  );
}
