import { memo, startTransition, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { problemOf } from '../../client/bridge';
import type { Problem } from '../../core/errors';
import type { DatasetRoles } from '../../core/roles';
import type { DecisionRule } from '../../core/metrics';
import type { ShapleyResult, PermutationImportanceResult, ImportanceScore } from '../../core/explain';
import { compactCount, count, describeDecision, num } from '../../core/format';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import type { ExplanationViews } from '../../../workers/explain-jobs';
import { LightChart } from './LightChart';
import { LeadPicker } from './LeadPicker';
import { useSlices } from './use-slices';
import { ProblemBanner } from './ProblemBanner';
import { Provenance } from './Provenance';
import * as charts from '../../charts';
import { useEscape, useLatestCall } from '../hooks';
import { attributeLabel, attributeNameOf, attributeParts } from '../attributes';
import { explainedSummary } from '../../client/report-inputs';

/** What an explanation run is asked for; a result keeps the settings it came from. */
interface RunSettings {
  nRows: number;
  bgKind: 'sample' | 'kmeans' | 'stratified';
  bgSize: number;
  permutations: number;
  output: 'probability' | 'logit';
  seed: number;
}

type SettingsAction = { [K in keyof RunSettings]: { key: K; value: RunSettings[K] } }[keyof RunSettings];

const initialSettings: RunSettings = { nRows: 1000, bgKind: 'sample', bgSize: 50, permutations: 10, output: 'probability', seed: 1 };

function reduceSettings(s: RunSettings, a: SettingsAction): RunSettings {
  return { ...s, [a.key]: a.value };
}

/** Settings a project kept, each taken where it has the right type (else the default). */
function settingsFrom(saved: Record<string, unknown> | undefined): RunSettings {
  const kept = (saved?.settings ?? {}) as Partial<Record<keyof RunSettings, unknown>>;
  const o = { ...initialSettings };
  for (const k of ['nRows', 'bgSize', 'permutations', 'seed'] as const) if (Number.isInteger(kept[k]) && (kept[k] as number) >= (k === 'seed' ? 0 : 1)) o[k] = kept[k] as number;
  if (kept.bgKind === 'sample' || kept.bgKind === 'kmeans' || kept.bgKind === 'stratified') o.bgKind = kept.bgKind;
  if (kept.output === 'probability' || kept.output === 'logit') o.output = kept.output;
  return o;
}

type Explained = ShapleyResult & { workers: number; ms: number; computeMs: number; rows: Uint32Array; settings: RunSettings; stratifiedBy: string };

/** An even spread over the dataset (deterministic), always including a lead picked elsewhere. */
function spreadRows(nRows: number, total: number, focus: number | null): Uint32Array {
  const n = Math.min(nRows, total);
  const step = total / n;
  const out = Uint32Array.from({ length: n }, (_, i) => Math.floor(i * step));
  if (focus !== null && !out.includes(focus)) out[n - 1] = focus;
  return out;
}

function Num({ label, value, min, max, onChange, testId }: { label: string; value: number; min: number; max?: number; onChange: (v: number) => void; testId?: string }) {
  return (
    <label>
      {label}{' '}
      <input type="number" min={min} max={max} value={value} data-testid={testId} onChange={(e) => onChange(Math.min(max ?? Infinity, Math.max(min, Number(e.target.value) | 0)))} />
    </label>
  );
}

/**
 * Explain: SHAP values per lead and overall, the columns behind the gap between two groups,
 * proxies and permutation importance. Runs on the worker pool; the page only renders and
 * dispatches. Every view follows the session's attribute and decision rule, says which
 * settings its numbers came from, and is greyed while they are recomputed.
 */
interface ExplainProps {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  decision: DecisionRule;
  focusRow: number | null;
  visible: boolean;
  /**
   * What a project kept: the settings, the importance score, and whether an explanation had
   * been run (SHAP values are too large to keep: the run is made again, with the kept settings
   * and seed, when the tab is next opened).
   */
  saved?: Record<string, unknown>;
  onSaved?: (state: Record<string, unknown>) => void;
  /** told of each finished run's summary (mean |SHAP|, the gap attribution), for the impact-assessment report */
  onExplained?: (summary: ReturnType<typeof explainedSummary>) => void;
}

/** Explain, or (for scores read from a column, with no model to call) why there is nothing to explain. */
export const ExplainPanel = memo(function ExplainPanel(props: ExplainProps) {
  if (props.model.can.explain) return <ModelExplainPanel {...props} />;
  const column = props.model.manifest.model?.scoreColumn;
  return (
    <>
      <h2>3 · Explain</h2>
      <p data-testid="explain-needs-model">
        Explanations need a model to call on changed rows, and {column ? `these scores are read from the column '${column}' of the data` : 'this model cannot be called here'}: load the model
        that made them, or train one here (tab 1 · Data &amp; model), to explain its scores.
      </p>
    </>
  );
});

const ModelExplainPanel = memo(function ModelExplainPanel(props: ExplainProps) {
  const { session, dataset, model, roles, decision } = props;
  const pairIds = { dataset: dataset.id, model: model.id };
  const [settings, set] = useReducer(reduceSettings, props.saved, settingsFrom);
  const [progress, setProgress] = useState<{ done: number; total: number; started: number; modelRows: number; computeSeconds: number } | null>(null);
  const [result, setResult] = useState<Explained | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [lead, setLead] = useState(0);
  const [dependence, setDependence] = useState(0);
  const [chosenPair, setChosenPair] = useState<[number, number] | null>(null);
  const [importanceScore, setImportanceScore] = useState<ImportanceScore>(typeof props.saved?.importanceScore === 'string' ? (props.saved.importanceScore as ImportanceScore) : 'demographic-parity');
  const [importance, setImportance] = useState<(PermutationImportanceResult & { settings: string; decision: DecisionRule; attribute: string }) | null>(null);
  const [importanceBusy, setImportanceBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const lastProgress = useRef(0);
  const [leadResult, setLeadResult] = useState<(ShapleyResult & { rows: Uint32Array }) | null>(null);

  const attrs = useMemo(() => attributeParts(props.attribute, roles), [props.attribute, roles]);
  const attrName = attributeNameOf(attrs);
  const rows = useMemo(() => spreadRows(settings.nRows, dataset.nRows, props.focusRow), [settings.nRows, dataset.nRows, props.focusRow]);
  const features = model.manifest.features.map((f) => f.column);

  // cost before running
  const cost = useLatestCall(JSON.stringify({ m: model.id, n: rows.length, b: settings.bgSize, p: settings.permutations }), () =>
    session.audit.call(undefined, (api) => api.explainCost({ model: model.id, rows: rows.length, background: settings.bgSize, method: 'auto', permutations: settings.permutations })),
  );

  // proxies for the current attribute (jobs worker), from the first time the tab is opened
  const [opened, setOpened] = useState(props.visible);
  useEffect(() => {
    if (props.visible) setOpened(true);
  }, [props.visible]);
  const proxies = useLatestCall(opened ? JSON.stringify({ d: dataset.id, attrName, roles }) : null, () =>
    session.onJobs(undefined, (api) => api.proxies({ dataset: dataset.id, roles, attribute: attrs, columns: features })),
  );

  // the group views follow the attribute and the chosen pair; recomputed on any change
  const viewsKey = result ? JSON.stringify({ r: result.ms, attrName, chosenPair }) : null;
  const views = useLatestCall<ExplanationViews>(viewsKey, () =>
    session.audit.call(undefined, (api) =>
      api.explanationViews({
        ...pairIds,
        attribute: attrs,
        rows: result!.rows,
        result: { values: result!.values, predictions: result!.predictions, nRows: result!.nRows, nPlayers: result!.nPlayers },
        ...(chosenPair ? { pair: chosenPair } : {}),
      }),
    ),
    { transition: true },
  );
  useEffect(() => setChosenPair(null), [attrName]);
  // the pool's workers load the data and the model while the user sets up the run
  useEffect(() => session.warmPool(), [session, dataset.id, model.id]);

  async function run() {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setProblem(null);
    setProgress({ done: 0, total: 1, started: performance.now(), modelRows: 0, computeSeconds: 0 });
    const asked = settings;
    try {
      const r = await session.explain(
        dataset.id,
        model.id,
        rows,
        { background: { kind: asked.bgKind, size: asked.bgSize, seed: asked.seed, stratifyBy: attrs }, method: 'auto', permutations: asked.permutations, output: asked.output, seed: asked.seed },
        (done, total, modelRows, computeSeconds) => {
          // at most ~8 renders a second: progress must not compete with the work for the CPU
          const now = performance.now();
          if (now - lastProgress.current < 120 && done < total) return;
          lastProgress.current = now;
          setProgress((p) => (p ? { ...p, done, total, modelRows, computeSeconds } : p));
        },
        controller.signal,
      );
      // a transition: the charts render in slices, the page keeps answering input meanwhile
      startTransition(() => {
        setResult({ ...r, rows, settings: asked, stratifiedBy: attrName });
        setLead(props.focusRow === null ? 0 : Math.max(0, rows.indexOf(props.focusRow)));
      });
    } catch (e) {
      setProblem(problemOf(e, 'Explanation cancelled. Nothing else was lost.'));
    } finally {
      setProgress(null);
    }
  }
  useEscape(progress !== null, () => abort.current?.abort());

  // the project keeps the settings and, once a run finished, that one was made (the run is
  // made again on restore, the first time the tab is open)
  const onSaved = props.onSaved;
  const ranWith = result?.settings ?? null;
  useEffect(() => onSaved?.({ settings, importanceScore, ...(ranWith ? { ran: ranWith } : {}) }), [settings, importanceScore, ranWith, onSaved]);
  const rerun = useRef(Boolean(props.saved?.ran));
  useEffect(() => {
    if (!props.visible || !rerun.current) return;
    rerun.current = false;
    void run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.visible]);

  // A lead picked in the audit's call list: show it from the last run, or explain it alone now.
  useEffect(() => {
    const row = props.focusRow;
    if (row === null) return;
    if (result) {
      const i = result.rows.indexOf(row);
      if (i >= 0) {
        setLead(i);
        setLeadResult(null);
        return;
      }
    }
    let live = true;
    session
      .explain(dataset.id, model.id, Uint32Array.of(row), {
        background: { kind: settings.bgKind, size: settings.bgSize, seed: settings.seed, stratifyBy: attrs },
        method: 'auto',
        permutations: settings.permutations,
        output: settings.output,
        seed: settings.seed,
      })
      .then((r) => live && setLeadResult({ ...r, rows: Uint32Array.of(row) }))
      .catch((e) => live && setProblem(problemOf(e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.focusRow]);

  const importanceSettings = JSON.stringify({ decision, attrName, importanceScore });
  async function runImportance() {
    setImportanceBusy(true);
    const asked = { decision, attribute: attrName, settings: importanceSettings };
    try {
      const r = await session.onJobs(undefined, (api) => api.importance({ ...pairIds, roles, attribute: attrs, score: importanceScore, repeats: 5, seed: settings.seed, decision }));
      setImportance({ ...r, ...asked });
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setImportanceBusy(false);
    }
  }

  const v = views.result;
  const onExplained = props.onExplained;
  useEffect(() => {
    if (result && v && views.resultKey === viewsKey) onExplained?.(explainedSummary(result, v));
  }, [result, v, views.resultKey, viewsKey, onExplained]);
  const waterfall = useMemo(
    () => (result ? charts.waterfallSpec(result, lead, v ? features.map((f, j) => `${f} = ${v.rawValues[j][lead] ?? 'missing'}`) : undefined) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [result, v?.rawValues, lead],
  );
  const leadWaterfall = useMemo(() => (leadResult ? charts.waterfallSpec(leadResult, 0) : null), [leadResult]);
  const gapSpec = useMemo(() => (v?.gap ? charts.groupDifferenceSpec(v.gap, features, v.gap.levelA, v.gap.levelB) : null), [v, features]);
  const dependenceSpec = useMemo(
    () => (result && v ? charts.dependenceSpec(result, dependence, v.rawValues[dependence].map((x) => (x === null ? NaN : x)) as number[] | string[], v.groupCodes, v.groupLevels) : null),
    [result, v, dependence],
  );
  const proxySpec = useMemo(() => (proxies.result ? charts.proxyRankingSpec(proxies.result.report) : null), [proxies.result]);
  const importanceChart = useMemo(() => (importance ? charts.importanceSpec(importance) : null), [importance]);

  const elapsed = progress ? (performance.now() - progress.started) / 1000 : 0;
  const left = progress && progress.done > 0 ? (elapsed * (progress.total - progress.done)) / progress.done : null;
  // model rows per second while the workers compute (their start-up not counted)
  const rate = progress && progress.computeSeconds > 0.5 ? progress.modelRows / progress.computeSeconds : null;
  const settingsChanged = result !== null && (JSON.stringify(result.settings) !== JSON.stringify(settings) || result.rows.length !== rows.length);
  const viewsStale = views.stale || (v !== null && v.attribute !== attrName);
  const importanceStale = importance !== null && importance.settings !== importanceSettings;

  return (
    <>
      <h2>3 · Explain</h2>
      <p className="hint">
        Why does the model score a lead as it does? SHAP values split each score into one contribution per column, which add up exactly to the score. The group view shows
        which columns drive the gap between two groups of {attributeLabel(attrName)}.
      </p>
      <fieldset className="train" disabled={Boolean(progress)}>
        <legend>What to explain</legend>
        <Num label="leads" value={settings.nRows} min={1} max={dataset.nRows} onChange={(v) => set({ key: 'nRows', value: v })} testId="explain-rows" />
        <label>
          background{' '}
          <select value={settings.bgKind} onChange={(e) => set({ key: 'bgKind', value: e.target.value as RunSettings['bgKind'] })}>
            <option value="sample">random sample</option>
            <option value="kmeans">k-means centres</option>
            <option value="stratified">stratified by {attributeLabel(attrName)}</option>
          </select>
        </label>
        <Num label="background rows" value={settings.bgSize} min={1} max={1000} onChange={(v) => set({ key: 'bgSize', value: v })} />
        <Num label="permutations" value={settings.permutations} min={1} max={200} onChange={(v) => set({ key: 'permutations', value: v })} />
        <label>
          output{' '}
          <select value={settings.output} onChange={(e) => set({ key: 'output', value: e.target.value as RunSettings['output'] })}>
            <option value="probability">probability</option>
            <option value="logit">logit</option>
          </select>
        </label>
        <Num label="seed" value={settings.seed} min={0} onChange={(v) => set({ key: 'seed', value: v })} />
        <button className="primary" onClick={() => void run()} data-testid="explain-run">
          Explain {count(rows.length)} leads
        </button>
        {cost.result && (
          <span className="cost" data-testid="explain-cost" title="Model rows evaluated, before skipping rows that do not change">
            {cost.result.method}: up to {compactCount(cost.result.plannedEvaluations)} model evaluations on {session.poolSize} workers
          </span>
        )}
      </fieldset>
      {progress && (
        <div className="busy" role="status" data-testid="explain-progress">
          <span>Explaining…</span>
          <progress value={progress.done} max={progress.total} aria-label="explanation progress" />
          <span>
            {left !== null ? `about ${Math.ceil(left)} s left` : 'starting'}
            {rate !== null && <span data-testid="explain-rate">{` · ${compactCount(rate)} model rows/s on ${session.poolSize} workers`}</span>}
          </span>
          <button onClick={() => abort.current?.abort()} data-testid="explain-cancel" aria-keyshortcuts="Escape">
            Cancel (Esc)
          </button>
        </div>
      )}
      {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} testId="explain-problem" />}
      {leadResult && (
        <div data-testid="lead-waterfall">
          <h3>
            Why lead {leadResult.rows[0] + 1} scores {num(leadResult.predictions[0], 3)}
          </h3>
          {leadWaterfall && <LightChart spec={leadWaterfall} testId="waterfall-lead" />}
        </div>
      )}
      {result && (
        <div data-testid="explain-result" className={settingsChanged ? 'results stale' : 'results'}>
          <Provenance
            testId="explain-provenance"
            stale={settingsChanged}
            staleText="The settings above have changed since: explain again to update."
            items={[
              `${count(result.nRows)} leads spread over ${dataset.name}`,
              `${result.settings.bgKind === 'stratified' ? `background stratified by ${attributeLabel(result.stratifiedBy)}` : result.settings.bgKind === 'kmeans' ? 'k-means background' : 'random background'} of ${result.settings.bgSize} rows`,
              `${result.method}${result.permutations ? `, ${result.permutations} permutations` : ''}`,
              `${result.output} output`,
              `seed ${result.settings.seed}`,
              `model “${model.name}”`,
            ]}
          />
          <p className="footnote" data-testid="explain-summary">
            {result.method} SHAP for {count(result.nRows)} leads in {num(result.ms / 1000, 1)} s on {result.workers} workers · {compactCount(result.evaluations)} model evaluations (
            <span data-testid="explain-summary-rate">{compactCount(result.evaluations / (result.computeMs / 1000))}/s</span> while computing
            {result.modelSeconds ? `; the model alone: ${compactCount(result.evaluations / (result.modelSeconds / result.workers))}/s` : ''}) · base value {num(result.baseValue, 4)} ({result.output})
          </p>
          <div className="grid2">
            <ShapBar result={result} />
            <Beeswarm result={result} featureValues={v?.featureValues ?? null} />
          </div>
          <h3>One lead</h3>
          <LeadPicker rows={result.rows} scores={result.predictions} value={lead} onChange={setLead} />
          {waterfall && <LightChart spec={waterfall} testId="waterfall" />}
          {v && (
            <div className={viewsStale ? 'stale' : undefined} aria-busy={viewsStale || undefined} data-testid="explain-groups">
              <h3>Between groups of {attributeLabel(v.attribute)}</h3>
              <Provenance
                testId="gap-provenance"
                stale={viewsStale}
                staleText={`Updating for ${attributeLabel(attrName)}…`}
                items={[
                  `groups by ${attributeLabel(v.attribute)}`,
                  v.pair && v.gap
                    ? `${v.gap.levelA} (${count(v.gap.countA)} explained leads) against ${v.gap.levelB} (${count(v.gap.countB)})${v.pair.source === 'largest-gap' ? `: the pair with the largest gap in mean score among groups with at least ${v.pair.minCount} explained leads` : ', chosen here'}`
                    : 'fewer than two groups among the explained leads',
                ]}
              />
              {v.byGroup.length >= 2 && (
                <div className="controls">
                  <GroupSelect label="compare" groups={v.byGroup} value={v.pair?.a} testId="gap-group-a" onChange={(a) => setChosenPair([a, v.pair && v.pair.b !== a ? v.pair.b : v.byGroup.find((g) => g.code !== a)!.code])} />
                  <GroupSelect label="with" groups={v.byGroup} value={v.pair?.b} testId="gap-group-b" onChange={(b) => setChosenPair([v.pair && v.pair.a !== b ? v.pair.a : v.byGroup.find((g) => g.code !== b)!.code, b])} />
                </div>
              )}
              {gapSpec ? <LightChart spec={gapSpec} testId="group-difference" stale={viewsStale} /> : <p className="hint">Fewer than two groups among the explained leads.</p>}
              <label>
                dependence of{' '}
                <select value={dependence} onChange={(e) => setDependence(Number(e.target.value))} data-testid="dependence-select">
                  {features.map((f, j) => (
                    <option key={f} value={j}>
                      {f}
                    </option>
                  ))}
                </select>
              </label>
              {dependenceSpec && <LightChart spec={dependenceSpec} testId="dependence" stale={viewsStale} />}
            </div>
          )}
        </div>
      )}
      <h3>Proxies for {attributeLabel(attrName)}</h3>
      <p className="hint">How well each column on its own predicts the protected attribute. A strong proxy lets a model treat groups differently without seeing the attribute.</p>
      {proxySpec && <LightChart spec={proxySpec} testId="proxy-ranking" stale={proxies.stale} />}
      <h3>Permutation importance</h3>
      <div className="controls">
        <label>
          score{' '}
          <select value={importanceScore} onChange={(e) => setImportanceScore(e.target.value as ImportanceScore)} data-testid="importance-score">
            <option value="accuracy">accuracy</option>
            <option value="auc">ROC AUC</option>
            <option value="logloss">log loss</option>
            <option value="demographic-parity">demographic parity difference</option>
            <option value="equalized-odds">equalized odds difference</option>
          </select>
        </label>
        <button onClick={() => void runImportance()} disabled={importanceBusy} data-testid="importance-run">
          {importanceBusy ? 'Shuffling columns…' : importanceStale ? 'Compute again for the current settings' : 'Compute importance (5 repeats)'}
        </button>
      </div>
      {importance && (
        <div className={importanceStale ? 'stale' : undefined}>
          <Provenance
            testId="importance-provenance"
            stale={importanceStale}
            staleText="The attribute, rule or score has changed since: compute again to update."
            items={[`${importance.score}`, `groups by ${attributeLabel(importance.attribute)}`, `${describeDecision(importance.decision)}`, `all ${count(dataset.nRows)} rows, 5 shuffles per column`]}
          />
          {importanceChart && <LightChart spec={importanceChart} testId="importance" stale={importanceStale} />}
        </div>
      )}
    </>
  );
});

/** The global importance bars; its own component, so a transition can render it in its own slice. */
const ShapBar = memo(function ShapBar({ result }: { result: ShapleyResult }) {
  const spec = useMemo(() => charts.shapBarSpec(result), [result]);
  return <LightChart spec={spec} testId="shap-bar" />;
});

/** Every lead and column (coloured by value once the views arrive); its own slice of a transition. */
const Beeswarm = memo(function Beeswarm({ result, featureValues }: { result: ShapleyResult & { rows: Uint32Array }; featureValues: (number | null)[][] | null }) {
  // a point and its hover text per lead and column (15,000 for 1,000 leads): built in slices between frames
  const spec = useSlices(() => charts.beeswarmSpecSlices(result, featureValues ?? []), [result, featureValues], true);
  return spec ? <LightChart spec={spec} testId="beeswarm" /> : null;
});

/** One of the two groups the gap view compares. */
function GroupSelect(props: { label: string; groups: { code: number; level: string; count: number }[]; value: number | undefined; testId: string; onChange: (code: number) => void }) {
  return (
    <label>
      {props.label}{' '}
      <select value={props.value ?? ''} data-testid={props.testId} onChange={(e) => props.onChange(Number(e.target.value))}>
        {props.groups.map((g) => (
          <option key={g.code} value={g.code}>
            {g.level} ({count(g.count)})
          </option>
        ))}
      </select>
    </label>
  );
}
