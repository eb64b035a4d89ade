import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import { resultFileName, WorkshopPlay } from '../../client/workshop';
import { sortModelFiles } from '../../client/model-files';
import { WorkbenchError, type Problem } from '../../core/errors';
import {
  cardReasons,
  conditionLabel,
  leadCard,
  OVERRIDE_REASONS,
  showsScore,
  type PlanItem,
  type WorkshopChoice,
  type WorkshopConfig,
  type WorkshopReason,
  type WorkshopResult,
  type WorkshopSummaryJson,
} from '../../core/workshop';
import { pct } from '../../core/format';
import { DEMOS, fetchDemoFile } from '../demo';
import { downloadFiles } from '../download';
import { ProblemBanner } from '../components/ProblemBanner';
import type { WorkshopMaterialRequest } from '../../../workers/workbench.worker';

const CHOICE_LABEL: Record<WorkshopChoice, string> = { call: 'Call', skip: 'Skip', escalate: 'Escalate' };

/** A participant id offered by default: "p-" and four random hex digits (pseudonymous; the participant may type their own). */
function randomParticipantId(): string {
  const b = crypto.getRandomValues(new Uint8Array(2));
  return `p-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

type Stage =
  | { kind: 'join' }
  | { kind: 'loading'; label: string }
  | { kind: 'play'; play: WorkshopPlay; groupColumn: string; threshold: number }
  | { kind: 'done'; result: WorkshopResult; summary: WorkshopSummaryJson | null };

/** The reason form the circuit breaker or an override opens: a category (required) and words of one's own. */
function ReasonForm({ choice, item, onConfirm, onBack }: { choice: WorkshopChoice; item: PlanItem; onConfirm: (r: WorkshopReason) => void; onBack: () => void }) {
  const [category, setCategory] = useState<string | null>(null);
  const [text, setText] = useState('');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const following = choice === item.modelRecommendation;
  return (
    <form
      className="reason-form"
      data-testid="reason-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (category) onConfirm({ category, text });
      }}
    >
      <fieldset>
        <legend>
          {following
            ? `The score is close to the line, so following it needs a reason too. Why ${CHOICE_LABEL[choice].toLowerCase()} this lead?`
            : `You are going against the score. Why ${CHOICE_LABEL[choice].toLowerCase()} this lead?`}
        </legend>
        {OVERRIDE_REASONS.map((r, i) => (
          <label key={r.id} className="choice">
            <input ref={i === 0 ? first : undefined} type="radio" name="reason" value={r.id} checked={category === r.id} onChange={() => setCategory(r.id)} /> {r.label}
          </label>
        ))}
        <label className="choice">
          In your own words (optional) <input value={text} onChange={(e) => setText(e.target.value)} data-testid="reason-text" />
        </label>
      </fieldset>
      <div className="controls">
        <button type="submit" className="primary" disabled={!category} data-testid="reason-confirm">
          Confirm: {CHOICE_LABEL[choice]}
        </button>
        <button type="button" onClick={onBack}>
          Back to the lead
        </button>
      </div>
    </form>
  );
}

/** One lead as a card, with what the condition shows of the model, and the three choices. */
function LeadCardView({ play, groupColumn, threshold, onDecided }: { play: WorkshopPlay; groupColumn: string; threshold: number; onDecided: () => void }) {
  const item = play.current!;
  const [pending, setPending] = useState<WorkshopChoice | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const card = useMemo(() => leadCard(item.lead, groupColumn), [item, groupColumn]);
  const reasons = useMemo(() => (item.condition === 'score-explained' ? cardReasons(item.lead, 3) : []), [item]);
  useEffect(() => {
    play.shown(performance.now());
    setPending(null);
    heading.current?.focus();
  }, [play, item]);

  const decide = (choice: WorkshopChoice, reason: WorkshopReason | null) => {
    try {
      play.decide(choice, reason, performance.now());
      setProblem(null);
      onDecided();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  const choose = (choice: WorkshopChoice) => (play.needsReason(choice) ? setPending(choice) : decide(choice, null));
  const shown = showsScore(item.condition);

  return (
    <article className="lead-card" data-testid="lead-card" data-condition={item.condition} aria-labelledby="lead-card-title">
      <p className="footnote" data-testid="lead-progress">
        Lead {play.done + 1} of {play.total}
      </p>
      <h2 id="lead-card-title" ref={heading} tabIndex={-1}>
        {card.title}
      </h2>
      <ul className="lead-lines">
        {card.lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      {shown && (
        <div className="lead-score" data-testid="lead-score">
          <p>
            Lead score: <strong>{pct(item.lead.modelScore)}</strong> chance to buy. The model says: <strong data-testid="lead-recommendation">{item.modelRecommendation === 'call' ? 'call' : 'skip'}</strong>
          </p>
          <p className="footnote">The model says call from a score of {pct(threshold)}.</p>
          {item.condition === 'circuit-breaker' && item.lowConfidence && (
            <p className="warning" data-testid="circuit-breaker">
              Low confidence: this score is close to the line between call and skip. Whatever you decide, say why.
            </p>
          )}
          {reasons.length > 0 && (
            <div data-testid="lead-explanation">
              <p>Why the model scored this lead so:</p>
              <ul>
                {reasons.map((r) => (
                  <li key={r.column}>
                    <span aria-hidden="true">{r.direction === 'up' ? '▲ ' : '▼ '}</span>
                    {r.line} <span className="footnote">({r.direction === 'up' ? 'raised' : 'lowered'} the score)</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      {!shown && <p className="hint">No lead score for this one: decide from the card alone.</p>}
      {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} testId="workshop-problem" />}
      {pending ? (
        <ReasonForm choice={pending} item={item} onConfirm={(r) => decide(pending, r)} onBack={() => setPending(null)} />
      ) : (
        <div className="controls choices" role="group" aria-label="Your decision">
          {(['call', 'skip', 'escalate'] as const).map((c) => (
            <button key={c} className={c === 'escalate' ? '' : 'primary'} onClick={() => choose(c)} data-testid={`choose-${c}`}>
              {CHOICE_LABEL[c]}
            </button>
          ))}
        </div>
      )}
      <p className="footnote">Escalate hands the lead to a colleague with more authority; it is neither a call nor a skip.</p>
    </article>
  );
}

/** The participant's own result, in sentences. */
function OwnResult({ summary }: { summary: WorkshopSummaryJson }) {
  return (
    <div data-testid="own-result">
      <ul className="headline">
        {summary.conditions.map((c) => (
          <li key={c.condition}>
            <strong>{conditionLabel(c.condition)}</strong>: {c.decisions} leads, {c.accuracy === null ? 'accuracy undefined' : `${pct(c.accuracy, 0)} decided right`}
            {c.followRateWhenModelWrong !== null && `; you followed the model on ${pct(c.followRateWhenModelWrong, 0)} of the leads where it was wrong`}
          </li>
        ))}
      </ul>
      {summary.comparison.modelAlone !== null && (
        <p>
          The model alone was right on {pct(summary.comparison.modelAlone, 0)} of the leads where you saw its score
          {summary.comparison.humanPlusModel !== null && <>; you with the model, on {pct(summary.comparison.humanPlusModel, 0)}</>}.
        </p>
      )}
    </div>
  );
}

/**
 * The participant's page (`?workshop=…`): who they are, the material (the CRM demo, or the
 * facilitator's own files, checked by fingerprint), the lead cards, and their result with the
 * file to hand in. Everything runs in this browser; nothing is sent.
 */
export function ParticipantApp({ config }: { config: WorkshopConfig }) {
  const session = useRef<WorkbenchSession>(null);
  if (!session.current) session.current = new WorkbenchSession();
  const [participant, setParticipant] = useState(randomParticipantId);
  const [files, setFiles] = useState<File[]>([]);
  const [stage, setStage] = useState<Stage>({ kind: 'join' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [, setTick] = useState(0);
  useEffect(() => () => session.current?.dispose(), []);
  const custom = config.material.kind === 'custom' ? config.material : null;

  const finish = useCallback(async (play: WorkshopPlay) => {
    const result = play.result();
    let summary: WorkshopSummaryJson | null = null;
    try {
      summary = await session.current!.audit.call(undefined, (api) => api.workshopDebrief({ files: [{ name: resultFileName(result), text: JSON.stringify(result) }] }));
    } catch (e) {
      setProblem(problemOf(e));
    }
    setStage({ kind: 'done', result, summary });
  }, []);

  const start = useCallback(async () => {
    setProblem(null);
    const s = session.current!;
    try {
      const id = participant.trim();
      let request: WorkshopMaterialRequest;
      let dataset: string;
      let model: string;
      let groupColumn = 'town_size';
      let threshold = 0.5;
      if (!custom) {
        const d = DEMOS.crm;
        setStage({ kind: 'loading', label: 'Loading the leads' });
        const ds = await s.loadCsv({ kind: 'url', url: new URL(d.csv, document.baseURI).href, name: d.fileName }, {});
        setStage({ kind: 'loading', label: 'Loading the lead score' });
        const [modelJson, weights, manifestBytes] = await Promise.all([...d.model.map(fetchDemoFile), fetchDemoFile(d.manifest)]);
        const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as unknown;
        const m = await s.loadModel(
          [
            { name: 'model.json', data: modelJson },
            { name: 'model.weights.bin', data: weights },
          ],
          manifest,
          d.modelName,
          { fitDataset: ds.id },
        );
        dataset = ds.id;
        model = m.id;
        threshold = m.manifest.threshold;
        request = { kind: 'crm-demo', truth: { kind: 'url', url: new URL(d.truth, document.baseURI).href, name: 'truth.csv' } };
      } else {
        const csv = files.find((f) => /\.(csv|tsv|txt)$/i.test(f.name));
        if (!csv) throw new WorkbenchError('workshop-invalid', 'There is no data file (.csv) among the chosen files.', 'Choose the data file the facilitator gave you together with model.json, its weights and its manifest.');
        setStage({ kind: 'loading', label: `Loading ${csv.name}` });
        const ds = await s.loadCsv({ kind: 'file', file: csv, name: csv.name }, {});
        const { files: modelFiles, manifest, modelName: name } = await sortModelFiles(files.filter((f) => f !== csv));
        setStage({ kind: 'loading', label: `Loading ${name}` });
        const m = await s.loadModel(modelFiles, manifest, name, { fitDataset: ds.id });
        dataset = ds.id;
        model = m.id;
        threshold = m.manifest.threshold;
        request = { kind: 'custom', ...(custom.groupColumn ? { groupColumn: custom.groupColumn } : {}) };
        const info = await s.audit.call(undefined, (api) => api.workshopMaterial({ dataset, model, ...request }));
        if (info.fingerprint !== custom.fingerprint) {
          setStage({ kind: 'join' });
          setProblem({
            code: 'workshop-invalid',
            message: `These files are not the workshop's material (“${custom.name}”): their fingerprint is ${info.fingerprint?.slice(0, 12) ?? 'unknown'}…, the workshop's is ${custom.fingerprint.slice(0, 12)}….`,
            hint: 'Ask the facilitator for the exact data file, model.json, its weights and its manifest, unchanged.',
          });
          return;
        }
        groupColumn = info.groupColumn;
      }
      setStage({ kind: 'loading', label: 'Preparing your leads' });
      const plan = await s.audit.call(undefined, (api) => api.workshopPlan({ dataset, model, ...request, config, participantId: id }));
      const play = new WorkshopPlay(plan);
      if (play.current) setStage({ kind: 'play', play, groupColumn, threshold });
      else await finish(play);
    } catch (e) {
      setStage({ kind: 'join' });
      setProblem(problemOf(e));
    }
  }, [participant, custom, files, config, finish]);

  const title = config.title ?? 'Lead scores and automation bias';
  return (
    <div className="app workshop-participant">
      <header className="app-header">
        <h1>{title}</h1>
        <p className="tagline">A Bias Workbench workshop ({config.id}). Everything runs in this browser; nothing you do is sent anywhere.</p>
      </header>
      <main>
        {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} />}
        {stage.kind === 'join' && (
          <section className="panel" aria-labelledby="join-title">
            <h2 id="join-title">Before you start</h2>
            <p>
              You will see {config.leadsPerParticipant} sales leads, one at a time, as a CRM would show them. For each one decide: <strong>Call</strong> it, <strong>Skip</strong> it, or{' '}
              <strong>Escalate</strong> it to a colleague. Sometimes you will see the lead score a model gives, sometimes also why, sometimes nothing. Decide as you would at work; there are
              no trick questions.
            </p>
            <p>At the end you see how you did and download a results file for the facilitator. Nothing leaves this browser unless you hand that file over.</p>
            <div className="controls">
              <label>
                Your name or a code (only the facilitator sees it){' '}
                <input value={participant} onChange={(e) => setParticipant(e.target.value)} maxLength={64} data-testid="participant-id" />
              </label>
            </div>
            {custom && (
              <div className="controls">
                <label>
                  The workshop's files (“{custom.name}”: the data .csv, model.json, its weights .bin and its manifest){' '}
                  <input type="file" multiple accept=".csv,.tsv,.txt,.json,.bin" onChange={(e) => setFiles(Array.from(e.target.files ?? []))} data-testid="workshop-material-files" />
                </label>
              </div>
            )}
            <button className="primary" onClick={() => void start()} disabled={participant.trim() === '' || (custom !== null && files.length === 0)} data-testid="workshop-start">
              Start
            </button>
          </section>
        )}
        {stage.kind === 'loading' && (
          <div className="busy" role="status" data-testid="busy">
            <span>{stage.label}</span>
            <progress aria-label={stage.label} />
          </div>
        )}
        {stage.kind === 'play' && stage.play.current && (
          <section className="panel">
            <LeadCardView
              play={stage.play}
              groupColumn={stage.groupColumn}
              threshold={stage.threshold}
              onDecided={() => {
                if (stage.play.current) setTick((t) => t + 1);
                else void finish(stage.play);
              }}
            />
          </section>
        )}
        {stage.kind === 'done' && (
          <section className="panel" aria-labelledby="done-title">
            <h2 id="done-title" tabIndex={-1} ref={(h) => h?.focus()}>
              Done: your result
            </h2>
            {stage.summary && <OwnResult summary={stage.summary} />}
            <p>Hand this file to the facilitator; the debrief puts everyone's together.</p>
            <button
              className="primary"
              data-testid="workshop-download"
              onClick={() => downloadFiles([{ name: resultFileName(stage.result), data: new TextEncoder().encode(`${JSON.stringify(stage.result, null, 2)}\n`) }])}
            >
              Download your results file
            </button>
          </section>
        )}
      </main>
      <footer className="credit">
        <p>Bias Workbench works offline: no server, no telemetry, no third-party requests.</p>
      </footer>
    </div>
  );
}
