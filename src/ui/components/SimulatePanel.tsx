import { memo, startTransition, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { isAbortError, problemOf } from '../../client/bridge';
import { Comlink } from '../../client/workbench';
import type { Problem } from '../../core/errors';
// from the modules themselves, not the simulate barrel: the barrel reaches tfjs (the loop trains), which the page never runs
import { defaultSimulationConfig, type Remedy, type SimulationConfig } from '../../core/simulate/config';
import { defaultLeadKnobs, neutralLeadKnobs, TOWN_SIZES, type LeadKnobs, type TownSize } from '../../core/simulate/knobs';
import type { SimulationResult } from '../../core/simulate/result';
import { count, num, pct } from '../../core/format';
import * as charts from '../../charts';
import { LightChart } from './LightChart';
import { ProblemBanner } from './ProblemBanner';
import { Provenance } from './Provenance';
import { useEscape } from '../hooks';

const REMEDIES: { id: Remedy; label: string; plain: string }[] = [
  { id: 'none', label: 'no remedy', plain: 'Reps call the top of the list; the model retrains on what they saw.' },
  { id: 'exploration', label: 'exploration', plain: 'A share of the calls goes to leads picked at random, so every group keeps getting outcomes.' },
  { id: 'reweigh', label: 'reweighing', plain: 'The training rows are weighted so every group × outcome counts as if independent.' },
  { id: 'group-thresholds', label: 'group thresholds', plain: 'Each group gets its own cut-off so every group is called at the same rate.' },
];

/** A knob: a slider with its value and a sentence saying what it means in a CRM. */
function Knob(props: { label: string; help: string; value: number; min: number; max: number; step: number; percent?: boolean; onChange: (v: number) => void; testId?: string }) {
  const id = `knob-${props.testId ?? props.label.replace(/\W+/g, '-')}`;
  return (
    <div className="knob">
      <label htmlFor={id}>
        {props.label} <strong>{props.percent ? pct(props.value, 0) : num(props.value, 2)}</strong>
      </label>
      <input id={id} type="range" min={props.min} max={props.max} step={props.step} value={props.value} data-testid={props.testId} onChange={(e) => props.onChange(Number(e.target.value))} aria-describedby={`${id}-help`} />
      <p className="knob-help" id={`${id}-help`}>
        {props.help}
      </p>
    </div>
  );
}

type Run = { remedy: Remedy; status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled'; round: number; message?: string; result?: SimulationResult };

/**
 * Simulate: synthetic CRM leads with bias knobs, and the feedback loop round by round — score,
 * call the top of the list, observe outcomes only for the leads called, retrain on what was
 * observed. Each chosen remedy runs as its own simulation on the worker pool with the same
 * seed, so their curves are comparable; the page only renders.
 */
export const SimulatePanel = memo(function SimulatePanel(props: {
  session: WorkbenchSession;
  visible: boolean;
  onUseData: (csv: Uint8Array, name: string) => void;
  /** the knobs, loop settings and remedies as a project kept them (read at mount; fields it lacks keep their defaults) */
  saved?: Record<string, unknown>;
  onSaved?: (config: Record<string, unknown>) => void;
}) {
  const { session, saved } = props;
  const [knobs, setKnobs] = useState<LeadKnobs>(() => ({ ...defaultLeadKnobs, leads: 5000, ...(saved?.knobs as Partial<LeadKnobs> | undefined) }));
  const [config, setConfig] = useState<Omit<SimulationConfig, 'knobs'>>(() => ({ ...defaultSimulationConfig, ...(saved?.config as Partial<SimulationConfig> | undefined) }));
  const [remedies, setRemedies] = useState<Remedy[]>(() => (Array.isArray(saved?.remedies) ? (saved.remedies as Remedy[]).filter((r) => REMEDIES.some((x) => x.id === r)) : ['none', 'exploration']));
  const onSaved = props.onSaved;
  useEffect(() => onSaved?.({ knobs, config, remedies }), [knobs, config, remedies, onSaved]);
  const [runs, setRuns] = useState<Run[]>([]);
  const [asked, setAsked] = useState<string | null>(null);
  const [shown, setShown] = useState<Remedy>('none');
  const [problem, setProblem] = useState<Problem | null>(null);
  const controllers = useRef(new Set<AbortController>());
  const settings = JSON.stringify({ knobs, config });
  const running = runs.some((r) => r.status === 'running' || r.status === 'queued');
  const set = (patch: Partial<LeadKnobs>) => setKnobs((k) => ({ ...k, ...patch }));
  const setC = (patch: Partial<Omit<SimulationConfig, 'knobs'>>) => setConfig((c) => ({ ...c, ...patch }));

  function run() {
    for (const c of controllers.current) c.abort();
    setProblem(null);
    setAsked(settings);
    const list: Run[] = remedies.map((remedy) => ({ remedy, status: 'queued', round: 0 }));
    setRuns(list);
    setShown(remedies[0] ?? 'none');
    for (const remedy of remedies) {
      const controller = new AbortController();
      controllers.current.add(controller);
      const update = (patch: Partial<Run>) => setRuns((rs) => rs.map((r) => (r.remedy === remedy ? { ...r, ...patch } : r)));
      update({ status: 'running', message: 'waiting for a worker' });
      session
        .onPool(controller.signal, (api) =>
          api.simulate({ config: { ...config, remedy, knobs } }, Comlink.proxy((_r: unknown, p: { round: number; rounds: number; message: string }) => update({ round: p.round, message: p.message }))),
        )
        .then((result) => startTransition(() => update({ status: 'done', result, message: undefined })))
        .catch((e: unknown) => {
          if (isAbortError(e)) update({ status: 'cancelled', message: 'cancelled' });
          else {
            const p = problemOf(e);
            update({ status: 'failed', message: p.message });
            setProblem(p);
          }
        })
        .finally(() => controllers.current.delete(controller));
    }
  }
  function cancel() {
    for (const c of controllers.current) c.abort();
  }
  useEscape(running && props.visible, cancel);

  async function sendLeads() {
    try {
      const bytes = await session.onJobs(undefined, (api) => api.generateLeadsCsv({ knobs }));
      props.onUseData(bytes, `crm-leads-seed${knobs.seed}.csv`);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  const done = runs.filter((r) => r.result);
  const doneKey = done.map((r) => r.remedy).join('|');
  const sims = useMemo(
    () => done.map((r) => ({ name: REMEDIES.find((x) => x.id === r.remedy)!.label, result: r.result! })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [doneKey],
  );
  // the chosen remedy's three charts follow in a render of their own (a round's results drew all five in one long task)
  const focus = useDeferredValue(sims.find((s, i) => done[i].remedy === shown) ?? sims[0]);
  const gapSpec = useMemo(() => (sims.length ? charts.gapByRoundSpec(sims) : null), [sims]);
  const eoSpec = useMemo(() => (sims.length ? charts.gapByRoundSpec(sims, 'trueEqualOpportunityDifference') : null), [sims]);
  const beliefSpec = useMemo(() => (focus ? charts.beliefVsTruthSpec(focus) : null), [focus]);
  const missedSpec = useMemo(() => (focus ? charts.missedConversionsSpec(focus) : null), [focus]);
  const selectionSpec = useMemo(() => (focus ? charts.selectionByRoundSpec(focus) : null), [focus]);
  const stale = asked !== null && asked !== settings;

  return (
    <>
      <h2>5 · Simulate</h2>
      <p className="hint">
        Synthetic CRM leads with a known truth, and the feedback loop real data cannot show: a model trained on history scores a group low, reps stop calling it, no
        conversions are recorded for it, and the next model learns the group is worth less. Every round: score a fresh batch, call the top of the list, record outcomes
        only for the leads called, retrain on what was recorded.
      </p>
      <div className="knobs" data-testid="sim-knobs">
        <fieldset>
          <legend>The leads</legend>
          <label>
            leads per round{' '}
            <input type="number" min={500} max={100000} step={500} value={knobs.leads} data-testid="sim-leads" onChange={(e) => set({ leads: Math.min(100000, Math.max(500, Number(e.target.value) | 0)) })} />
          </label>
          <label>
            disfavoured group{' '}
            <select value={knobs.disfavoured} onChange={(e) => set({ disfavoured: e.target.value as TownSize })} data-testid="sim-disfavoured">
              {TOWN_SIZES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <Knob label="Historical bias" help="How much less often past reps called leads from the disfavoured towns (0 = as often as anyone)." value={knobs.historicalBias} min={0} max={1} step={0.05} percent onChange={(v) => set({ historicalBias: v })} testId="sim-historical-bias" />
          <Knob label="Proxy strength" help="How well the ZIP code (and the lead source) give away the town size, so a model can treat towns differently without seeing them." value={knobs.proxyStrength} min={0} max={1} step={0.05} percent onChange={(v) => set({ proxyStrength: v })} testId="sim-proxy-strength" />
          <Knob label="Base-rate gap" help="True difference in conversion between the disfavoured group and the others (0 = they convert as often; the seed story)." value={knobs.baseRateGap} min={-0.1} max={0.1} step={0.01} onChange={(v) => set({ baseRateGap: v })} testId="sim-base-rate-gap" />
          <Knob label="Label bias" help="Share of the disfavoured group's real conversions that never get recorded in the CRM." value={knobs.labelBias} min={0} max={1} step={0.05} percent onChange={(v) => set({ labelBias: v })} testId="sim-label-bias" />
          <Knob label="Noise" help="How much of a lead's chance to convert the data cannot see." value={knobs.noise} min={0} max={1} step={0.05} percent onChange={(v) => set({ noise: v })} />
        </fieldset>
        <fieldset>
          <legend>The loop</legend>
          <label>
            rounds <input type="number" min={1} max={30} value={config.rounds} data-testid="sim-rounds" onChange={(e) => setC({ rounds: Math.min(30, Math.max(1, Number(e.target.value) | 0)) })} />
          </label>
          <Knob label="Capacity" help="Share of each batch the reps can call." value={config.capacity} min={0.05} max={0.8} step={0.05} percent onChange={(v) => setC({ capacity: v })} testId="sim-capacity" />
          <Knob label="Reps follow the list" help="How often a rep calls the lead the model ranks first rather than the one their own judgement picks (automation bias)." value={config.repFollow} min={0} max={1} step={0.05} percent onChange={(v) => setC({ repFollow: v })} />
          <Knob label="Exploration" help="With the exploration remedy: the share of calls made to leads picked at random." value={config.exploration} min={0} max={0.5} step={0.05} percent onChange={(v) => setC({ exploration: v })} />
          <label>
            leads never called are{' '}
            <select value={config.labelPolicy} onChange={(e) => setC({ labelPolicy: e.target.value as SimulationConfig['labelPolicy'] })}>
              <option value="negative">recorded as not converted (what a CRM stores)</option>
              <option value="unknown">left out of training</option>
            </select>
          </label>
          <label>
            model{' '}
            <select value={config.model} onChange={(e) => setC({ model: e.target.value as SimulationConfig['model'] })}>
              <option value="logistic">logistic regression</option>
              <option value="mlp">small MLP</option>
            </select>
          </label>
          <label>
            seed <input type="number" value={config.seed} onChange={(e) => setC({ seed: Number(e.target.value) | 0 })} />
          </label>
        </fieldset>
        <fieldset>
          <legend>Remedies to compare (same seed)</legend>
          {REMEDIES.map((r) => (
            <label key={r.id} title={r.plain}>
              <input
                type="checkbox"
                checked={remedies.includes(r.id)}
                data-testid={`sim-remedy-${r.id}`}
                onChange={(e) => setRemedies((rs) => (e.target.checked ? [...rs, r.id] : rs.filter((x) => x !== r.id)))}
              />{' '}
              {r.label}: <span className="knob-help">{r.plain}</span>
            </label>
          ))}
        </fieldset>
      </div>
      <div className="controls">
        <button className="primary" onClick={run} disabled={remedies.length === 0} data-testid="sim-run">
          Run {remedies.length} simulation{remedies.length === 1 ? '' : 's'}
        </button>
        <button onClick={() => setKnobs({ ...neutralLeadKnobs, leads: knobs.leads, seed: knobs.seed })} title="Every bias knob at 0 and no base-rate gap: the loop should stay fair.">
          All bias knobs at 0
        </button>
        <button onClick={() => setKnobs({ ...defaultLeadKnobs, leads: knobs.leads })}>The small-town story (defaults)</button>
        <button onClick={() => void sendLeads()} data-testid="sim-use-data" title="Load one batch of these leads as the dataset and train a model on its recorded outcomes, for Audit, Explain and Compare.">
          Use these leads in Audit, Explain and Compare
        </button>
        {running && (
          <button onClick={cancel} data-testid="sim-cancel" aria-keyshortcuts="Escape">
            Cancel (Esc)
          </button>
        )}
      </div>
      {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} testId="simulate-problem" />}
      {runs.length > 0 && (
        <ul className="sim-runs" data-testid="sim-runs">
          {runs.map((r) => (
            <li key={r.remedy} data-status={r.status}>
              <strong>{REMEDIES.find((x) => x.id === r.remedy)!.label}</strong>: {r.status === 'done' ? 'done' : r.status === 'running' ? `round ${r.round} of ${config.rounds}${r.message ? ` — ${r.message}` : ''}` : r.message ?? r.status}
            </li>
          ))}
        </ul>
      )}
      {sims.length > 0 && (
        <div className={stale ? 'results stale' : 'results'} data-testid="sim-results">
          <Provenance
            testId="sim-provenance"
            stale={stale}
            staleText="The knobs have changed since: run again to update."
            items={[
              `${count(JSON.parse(asked!).knobs.leads)} leads a round`,
              `${config.rounds} rounds`,
              `capacity ${pct(JSON.parse(asked!).config.capacity, 0)}`,
              `disfavoured: ${JSON.parse(asked!).knobs.disfavoured}`,
              `seed ${JSON.parse(asked!).config.seed}`,
            ]}
          />
          <ul className="sim-summary" data-testid="sim-summary">
            {sims.map((s) => (
              <li key={s.name}>{charts.lastRoundSummary(s)}</li>
            ))}
          </ul>
          <div className="grid2">
            {gapSpec && <LightChart spec={gapSpec} testId="sim-gap" />}
            {eoSpec && <LightChart spec={eoSpec} testId="sim-eo-gap" />}
          </div>
          <label>
            show the groups for{' '}
            <select value={shown} onChange={(e) => setShown(e.target.value as Remedy)} data-testid="sim-shown">
              {done.map((r) => (
                <option key={r.remedy} value={r.remedy}>
                  {REMEDIES.find((x) => x.id === r.remedy)!.label}
                </option>
              ))}
            </select>
          </label>
          <div className="grid2">
            {beliefSpec && <LightChart spec={beliefSpec} testId="sim-belief" />}
            {missedSpec && <LightChart spec={missedSpec} testId="sim-missed" />}
          </div>
          {selectionSpec && <LightChart spec={selectionSpec} testId="sim-selection" />}
        </div>
      )}
    </>
  );
});
