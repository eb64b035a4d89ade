import { memo, startTransition, useEffect, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../../client/session';
import { isAbortError, problemOf } from '../../client/bridge';
import { reviewedLabels } from '../../client/oversight';
import { Comlink } from '../../client/workbench';
import type { DatasetRoles } from '../../core/roles';
import type { DecisionRule } from '../../core/metrics';
import type { ProjectCompare } from '../../core/project';
import type { ScenarioResult } from '../../core/mitigate';
// from the module itself, not the mitigate barrel: the barrel reaches tfjs (training), which the page never runs
import { describeIntervention, type Intervention, type Scenario } from '../../core/mitigate/scenario-spec';
import { count, describeDecision, num, signed } from '../../core/format';
import { labelOf } from '../../core/definitions';
import type { DatasetSummary, ModelSummary } from '../../../workers/workbench.worker';
import { LightChart } from './LightChart';
import { Provenance } from './Provenance';
import { downloadFiles } from '../download';
import { paretoSpec, withFrontier } from '../../charts';
import { useEscape } from '../hooks';
import { attributeLabel, attributeNameOf, attributeParts } from '../attributes';

type Parity = 'demographicParityDifference' | 'equalOpportunityDifference' | 'equalizedOddsDifference';
const PARITIES: Parity[] = ['demographicParityDifference', 'equalOpportunityDifference', 'equalizedOddsDifference'];

/**
 * Which model a scenario starts from: the audited model as it was loaded (post-processing and
 * neutralising only: it cannot be retrained here), or a model retrained here on the training
 * rows with the audited model's columns (every intervention).
 */
type Base = 'audited' | 'retrained';

interface Entry {
  id: number;
  scenario: Scenario;
  base: Base;
  /** bumped on every change of the settings: a result for an older version is dropped */
  version: number;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  message?: string;
  result?: ScenarioResult & { split: { train: number; test: number; seed: number } };
  /** the version `result` belongs to */
  resultVersion?: number;
  /** the settings key `result` was computed under: a change back to them keeps it */
  resultSettings?: string;
  sweep?: string;
}

const STORAGE_KEY = 'bias-workbench.scenarios/2';
const AUDITED = 'audited model (as loaded)';
/** Why a retraining scenario does not run on scores read from a column (a model with no inputs to retrain on). */
const NEEDS_MODEL =
  'Retraining needs the model and its input columns, and these scores come from a column of the data: load the model that made them, or train one here (tab 1), to compare retraining. Group thresholds run on the scores as they are.';

/**
 * The column the standard "drop" scenario removes: the audited attribute itself when the model
 * reads it (a direct use), else the strongest proxy found for it (the model reaches the
 * attribute through it, as zip3 for town size in the CRM demo), else a column named like age.
 */
function columnToDrop(attrColumns: readonly string[], features: readonly string[], proxy: string | undefined, protectedColumns: readonly string[]): string | undefined {
  return attrColumns.find((c) => features.includes(c)) ?? proxy ?? protectedColumns.find((c) => c.toLowerCase().includes('age') && features.includes(c));
}

/** The workshop's standard scenarios; `drop` is the column the "drop" scenario removes (see columnToDrop). */
function standardScenarios(drop: string | undefined): { scenario: Scenario; base: Base }[] {
  return [
    { base: 'audited', scenario: { name: AUDITED, interventions: [] } },
    { base: 'retrained', scenario: { name: 'retrained baseline', interventions: [] } },
    // no column to drop (the model reads neither the attribute nor a proxy found for it): no such scenario
    ...(drop ? [{ base: 'retrained' as const, scenario: { name: `no ${drop}`, interventions: [{ kind: 'drop-features' as const, columns: [drop] }] } }] : []),
    { base: 'retrained', scenario: { name: 'reweigh', interventions: [{ kind: 'reweigh' }] } },
    { base: 'retrained', scenario: { name: 'oversample', interventions: [{ kind: 'resample', method: 'oversample' }] } },
    { base: 'audited', scenario: { name: 'EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] } },
    { base: 'retrained', scenario: { name: 'DP in training', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02 }] } },
  ];
}

/**
 * The session's rule for the held-out rows: a threshold or a top share as it is; a call list
 * of k leads out of n becomes the same share of the held-out leads.
 */
function heldOutDecision(rule: DecisionRule, nRows: number): DecisionRule {
  return rule.rule === 'top-k' ? { rule: 'top-percent', percent: (100 * rule.k) / nRows } : rule;
}

function loadSaved(): Entry[] {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as { scenario: Scenario; base: Base }[];
    return saved.map((s, i) => ({ id: i + 1, scenario: s.scenario, base: s.base, version: 1, status: 'queued' }));
  } catch {
    return [];
  }
}

/** Entries from a kept project: a scenario with its result is done, one without is queued. */
function entriesOf(saved: ProjectCompare): Entry[] {
  return saved.scenarios.map((s, i) => ({
    id: i + 1,
    scenario: s.scenario,
    base: s.base,
    version: 1,
    ...(s.result ? { status: 'done' as const, result: s.result as Entry['result'], resultVersion: 1, ...(s.settings ? { resultSettings: s.settings } : {}) } : { status: 'queued' as const }),
  }));
}

/**
 * Mitigate & compare: scenarios (a starting model plus interventions), each run in a worker on
 * the same held-out split as soon as it is added or the settings change, on a live
 * accuracy-against-parity chart. The audited model, as loaded, is the reference every
 * difference is taken from; retraining scenarios start from a model retrained here, shown as
 * its own row, so the cost of retraining is never mistaken for the cost of a mitigation.
 */
export const ComparePanel = memo(function ComparePanel(props: {
  session: WorkbenchSession;
  dataset: DatasetSummary;
  model: ModelSummary;
  roles: DatasetRoles;
  attribute: string | null;
  decision: DecisionRule;
  visible: boolean;
  /** the scenarios, their results and settings as a project kept them (restored at mount) */
  saved?: ProjectCompare;
  /** told of every change, for the project to keep */
  onSaved?: (datasetId: string, modelId: string, state: ProjectCompare) => void;
}) {
  const { session, dataset, model, roles, saved } = props;
  const [retrainKind, setRetrainKind] = useState<'logistic' | 'mlp'>(saved?.retrainKind ?? (model.manifest.training?.kind === 'logistic' ? 'logistic' : 'mlp'));
  const [epochs, setEpochs] = useState(saved?.epochs ?? 8);
  const [seed, setSeed] = useState(saved?.seed ?? 42);
  const [parity, setParity] = useState<Parity>(PARITIES.find((p) => p === saved?.parity) ?? 'demographicParityDifference');
  const [entries, setEntries] = useState<Entry[]>(() => (saved ? entriesOf(saved) : loadSaved()));
  const nextId = useRef(entries.length + 1);
  const attrs = useMemo(() => attributeParts(props.attribute, roles), [props.attribute, roles]);
  const attrName = attributeNameOf(attrs);
  const decision = useMemo(() => heldOutDecision(props.decision, dataset.nRows), [props.decision, dataset.nRows]);
  const [proxy, setProxy] = useState<string | undefined>(undefined);
  const controllers = useRef(new Set<AbortController>());

  // keep the scenario list in the session (survives a reload of the tab), and tell the project
  const onSaved = props.onSaved;
  useEffect(() => {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(entries.map((e) => ({ scenario: e.scenario, base: e.base }))));
    onSaved?.(dataset.id, model.id, {
      retrainKind,
      epochs,
      seed,
      parity,
      scenarios: entries.map((e) => ({ scenario: e.scenario, base: e.base, ...(e.status === 'done' && e.result && e.resultVersion === e.version ? { result: e.result, ...(e.resultSettings ? { settings: e.resultSettings } : {}) } : {}) })),
    });
  }, [entries, onSaved, dataset.id, model.id, retrainKind, epochs, seed, parity]);

  useEffect(() => {
    if (!props.visible && proxy !== undefined) return;
    let live = true;
    session
      .onJobs(undefined, (api) => api.proxies({ dataset: dataset.id, roles, attribute: attrs, columns: model.manifest.features.map((f) => f.column) }))
      .then((p) => live && setProxy(p.report.columns.find((c) => c.likelyProxy)?.name))
      .catch(() => live && setProxy(undefined));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, dataset.id, roles, attrName]);

  // Settings that change every scenario's numbers invalidate all results.
  // (the panel is mounted per dataset and model, so their ids need not be in the key; a result
  // kept by a project names the settings it was made under, and stays when they are these)
  const settingsKey = JSON.stringify({ retrainKind, epochs, seed, attrName, roles, decision });
  const lastSettings = useRef(settingsKey);
  useEffect(() => {
    if (lastSettings.current === settingsKey) return;
    lastSettings.current = settingsKey;
    setEntries((es) =>
      es.map((e) =>
        e.result && e.resultSettings === settingsKey
          ? { ...e, version: e.version + 1, resultVersion: e.version + 1, status: 'done', message: undefined }
          : { ...e, version: e.version + 1, status: 'queued', message: undefined },
      ),
    );
  }, [settingsKey]);

  // Run every queued scenario (the pool runs them side by side); stale results are dropped.
  useEffect(() => {
    for (const e of entries) {
      if (e.status !== 'queued') continue;
      const { id, version, scenario, base } = e;
      const update = (patch: Partial<Entry>) => setEntries((es) => es.map((x) => (x.id === id && x.version === version ? { ...x, ...patch } : x)));
      if (base === 'retrained' && model.format === 'scores') {
        update({ status: 'failed', message: NEEDS_MODEL });
        continue;
      }
      update({ status: 'running', message: 'waiting for a worker' });
      const baseline = base === 'audited' ? ({ kind: 'imported' } as const) : ({ kind: 'trained', trainKind: retrainKind, epochs } as const);
      const controller = new AbortController();
      controllers.current.add(controller);
      const resultSettings = settingsKey;
      session
        .onPool(controller.signal, (api) =>
          api.runScenario(
            { dataset: dataset.id, model: model.id, roles, attributes: attrs, baseline, scenario, seed, bootstrap: 200, decision },
            // progress text: a transition, so the table's many updates yield to input and to each other
            Comlink.proxy((p: { message: string }) => startTransition(() => update({ message: p.message }))),
          ),
        )
        .then((result) => startTransition(() => update({ status: 'done', result, resultVersion: version, resultSettings, message: undefined })))
        .catch((err: unknown) => {
          if (isAbortError(err)) update({ status: 'cancelled', message: 'cancelled' });
          else {
            const p = problemOf(err);
            update({ status: 'failed', message: `${p.message}${p.hint ? ` ${p.hint}` : ''}` });
          }
        })
        .finally(() => controllers.current.delete(controller));
    }
  }, [entries, session, dataset.id, model.id, model.format, roles, attrs, retrainKind, epochs, seed, decision, settingsKey]);

  const running = entries.some((e) => e.status === 'running');
  function cancelAll() {
    for (const c of controllers.current) c.abort();
  }
  useEscape(running && props.visible, cancelAll);

  function add(scenarios: { scenario: Scenario; base: Base }[], sweep?: string) {
    setEntries((es) => {
      const taken = new Set(es.map((e) => e.scenario.name));
      const fresh = scenarios
        .filter((s) => !taken.has(s.scenario.name))
        .map((s) => ({ id: nextId.current++, scenario: s.scenario, base: s.base, version: 1, status: 'queued' as const, ...(sweep ? { sweep } : {}) }));
      return [...es, ...fresh];
    });
  }

  function remove(id: number) {
    setEntries((es) => es.filter((e) => e.id !== id));
  }

  const [reviewNote, setReviewNote] = useState<string | null>(null);
  /** People's reviewed decisions (Oversight tab) as training labels: what human feedback does to accuracy and parity. */
  async function addReviewed() {
    try {
      const labels = await reviewedLabels(model.fingerprint ?? `model:${model.id}`);
      if (labels.length === 0) {
        setReviewNote('No reviewed leads for this model yet: review some in the Oversight tab (6), then come back.');
        return;
      }
      setReviewNote(null);
      add([{ base: 'retrained', scenario: { name: `reviewed overrides (${labels.length})`, interventions: [{ kind: 'relabel', labels, name: 'reviewed overrides' }] } }]);
    } catch (e) {
      setReviewNote(problemOf(e).message);
    }
  }

  function sweepLambda(constraint: 'demographic-parity' | 'equal-opportunity') {
    add(
      [0.5, 2, 8, 32].map((lambda) => ({ base: 'retrained' as const, scenario: { name: `${constraint} λ=${lambda}`, interventions: [{ kind: 'constraint' as const, constraint, lambda }] } })),
      `${constraint} λ sweep`,
    );
  }

  function exportScenario(e: Entry) {
    const r = e.result;
    if (!r) return;
    const files = [...(r.artifacts.files ?? []), { name: 'model.manifest.json', data: new TextEncoder().encode(JSON.stringify(r.artifacts.manifest, null, 2)) }];
    downloadFiles(files);
  }

  // custom scenario builder
  const [draftName, setDraftName] = useState('');
  const [draftBase, setDraftBase] = useState<Base>('retrained');
  const [draft, setDraft] = useState<Intervention[]>([]);
  const [dropCols, setDropCols] = useState<string[]>([]);
  const [thresholdKind, setThresholdKind] = useState<'demographic-parity' | 'equal-opportunity' | 'equalized-odds'>('equal-opportunity');
  const [topK, setTopK] = useState(0);
  const [constraintKind, setConstraintKind] = useState<'demographic-parity' | 'equal-opportunity' | 'equalized-odds' | 'error-rate-parity'>('demographic-parity');
  const [bound, setBound] = useState(0.02);
  const [gapForm, setGapForm] = useState<'between-groups' | 'overall'>('between-groups');
  const features = model.manifest.features.map((f) => f.column);
  const suggested = proxy ? [proxy, ...features.filter((f) => f !== proxy)] : features;

  // the finished results only: progress messages change `entries` many times a second, and the
  // chart must not be redrawn for them (its key changes only when a result arrives or goes)
  const doneKey = entries.map((e) => (e.result && e.resultVersion === e.version ? `${e.id}:${e.version}:${e.sweep ?? ''}` : '')).join('|');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const done = useMemo(() => entries.filter((e) => e.result && e.resultVersion === e.version), [doneKey]);
  const reference = done.find((e) => e.base === 'audited' && e.scenario.interventions.length === 0);
  const points = useMemo(
    () =>
      withFrontier(
        done.map((e) => {
          const m = e.result!.metrics[parity];
          return {
            name: e.scenario.name,
            accuracy: e.result!.metrics.accuracy.value ?? NaN,
            disparity: m.value ?? NaN,
            interval: m.interval && m.interval.lower !== null && m.interval.upper !== null ? ([m.interval.lower, m.interval.upper] as [number, number]) : undefined,
            degenerate: e.result!.metrics.degenerate,
            ...(e.sweep ? { sweep: e.sweep } : {}),
          };
        }),
      ),
    [done, parity],
  );
  const spec = useMemo(() => (points.length ? paretoSpec(points, labelOf(parity), { baseline: reference?.scenario.name }) : null), [points, parity, reference]);
  const levels = done[0]?.result?.group.levels ?? [];
  const ref = reference?.result?.metrics;
  const split = done[0]?.result?.split;

  return (
    <>
      <h2>4 · Mitigate &amp; compare</h2>
      <p className="hint">
        Each scenario is a starting model plus interventions, evaluated on the same held-out leads (never on its own training rows). Differences are taken from the{' '}
        <strong>audited model, as loaded</strong>. Interventions that retrain start from a model retrained here ({retrainKind === 'mlp' ? 'small MLP' : 'logistic regression'}, the audited
        model's columns), which differs from the audited model: compare them with the “retrained baseline” row. Scenarios appear on the chart as they finish.
      </p>
      <div className="controls">
        <label>
          retrain as{' '}
          <select value={retrainKind} onChange={(e) => setRetrainKind(e.target.value as typeof retrainKind)} data-testid="retrain-kind">
            <option value="mlp">small MLP</option>
            <option value="logistic">logistic regression</option>
          </select>
        </label>
        <label>
          epochs <input type="number" min={1} max={100} value={epochs} onChange={(e) => setEpochs(Math.max(1, Number(e.target.value) | 0))} />
        </label>
        <label>
          seed <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value) | 0)} />
        </label>
        <label>
          parity measure{' '}
          <select value={parity} onChange={(e) => setParity(e.target.value as Parity)} data-testid="parity-select">
            {PARITIES.map((k) => (
              <option key={k} value={k}>
                {labelOf(k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Provenance
        testId="compare-provenance"
        stale={running}
        staleText="Scenarios running…"
        items={[
          `groups by ${attributeLabel(attrName)}`,
          `${describeDecision(decision)} on the held-out leads${props.decision.rule === 'top-k' ? ` (the call list of ${count(props.decision.k)} as a share of all leads)` : ''}; group thresholds decide by group`,
          split ? `held-out split of ${count(split.test)} leads (30 %, seed ${split.seed}, stratified by outcome × group); training on ${count(split.train)}` : `held-out split: 30 %, seed ${seed}`,
          `reference: the audited model “${model.name}”`,
        ]}
      />
      {proxy && (
        <p className="footnote" data-testid="compare-proxy">
          Strongest proxy of {attributeLabel(attrName)} among the model's columns: <strong>{proxy}</strong> (see Explain). The standard “drop” scenario removes{' '}
          {attrs.some((a) => features.includes(a.column)) ? `${attributeLabel(attrName)} itself, which the model reads` : 'it'}.
        </p>
      )}
      <div className="controls">
        <button className="primary" onClick={() => add(standardScenarios(columnToDrop(attrs.map((a) => a.column), features, proxy, roles.protected.map((p) => p.column))))} data-testid="add-standard">
          Add the standard scenarios
        </button>
        <button onClick={() => sweepLambda('demographic-parity')}>Sweep λ (demographic parity)</button>
        <button onClick={() => void addReviewed()} title="Retrain with the labels people gave in the Oversight tab's review queue" data-testid="add-reviewed">
          Retrain with reviewed overrides
        </button>
        <button onClick={() => setEntries([])}>Clear</button>
        {running && (
          <button onClick={cancelAll} data-testid="compare-cancel" aria-keyshortcuts="Escape">
            Cancel running (Esc)
          </button>
        )}
      </div>
      {reviewNote && (
        <p className="footnote" role="status" data-testid="reviewed-note">
          {reviewNote}
        </p>
      )}
      <details className="options">
        <summary>Build a scenario</summary>
        <div className="controls">
          <label>
            name <input value={draftName} onChange={(e) => setDraftName(e.target.value)} placeholder="my scenario" />
          </label>
          <label>
            start from{' '}
            <select value={draftBase} onChange={(e) => setDraftBase(e.target.value as Base)}>
              <option value="retrained">a model retrained here (every intervention)</option>
              <option value="audited">the audited model (thresholds and neutralising only)</option>
            </select>
          </label>
        </div>
        <div className="controls">
          <label>
            columns{' '}
            <select multiple value={dropCols} onChange={(e) => setDropCols([...e.target.selectedOptions].map((o) => o.value))} size={4}>
              {suggested.map((f) => (
                <option key={f} value={f}>
                  {f}
                  {f === proxy ? ' (likely proxy)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button disabled={!dropCols.length} onClick={() => setDraft([...draft, { kind: 'drop-features', columns: dropCols }])}>
            + drop &amp; retrain
          </button>
          <button disabled={!dropCols.length} onClick={() => setDraft([...draft, { kind: 'neutralise', columns: dropCols }])} title="Replace the columns with background values. This is not retraining.">
            + neutralise
          </button>
          <button onClick={() => setDraft([...draft, { kind: 'reweigh' }])}>+ reweigh</button>
          <button onClick={() => setDraft([...draft, { kind: 'resample', method: 'oversample' }])}>+ oversample</button>
          <button onClick={() => setDraft([...draft, { kind: 'resample', method: 'undersample' }])}>+ undersample</button>
        </div>
        <div className="controls">
          <label>
            thresholds for{' '}
            <select value={thresholdKind} onChange={(e) => setThresholdKind(e.target.value as typeof thresholdKind)}>
              <option value="demographic-parity">demographic parity</option>
              <option value="equal-opportunity">equal opportunity</option>
              <option value="equalized-odds">equalized odds</option>
            </select>
          </label>
          <label>
            call list k (0 = none) <input type="number" min={0} value={topK} onChange={(e) => setTopK(Math.max(0, Number(e.target.value) | 0))} />
          </label>
          <button onClick={() => setDraft([...draft, { kind: 'group-thresholds', constraint: thresholdKind, ...(topK > 0 ? { topK } : {}) }])} title="Post-processing: uses the protected attribute at decision time.">
            + group thresholds
          </button>
        </div>
        <div className="controls">
          <label>
            constraint{' '}
            <select value={constraintKind} onChange={(e) => setConstraintKind(e.target.value as typeof constraintKind)}>
              <option value="demographic-parity">demographic parity</option>
              <option value="equal-opportunity">equal opportunity</option>
              <option value="equalized-odds">equalized odds</option>
              <option value="error-rate-parity">error-rate parity</option>
            </select>
          </label>
          <label>
            bound <input type="number" min={0} max={1} step={0.01} value={bound} onChange={(e) => setBound(Math.min(1, Math.max(0, Number(e.target.value))))} />
          </label>
          <label title="Between every pair of groups (max − min, as the audit reports gaps), or each group against the rate over everyone (fairlearn's form, looser). The second needs a logistic model.">
            gap{' '}
            <select value={gapForm} onChange={(e) => setGapForm(e.target.value as typeof gapForm)}>
              <option value="between-groups">between groups</option>
              <option value="overall">each group vs overall (fairlearn)</option>
            </select>
          </label>
          <button onClick={() => setDraft([...draft, { kind: 'constraint', constraint: constraintKind, bound, ...(gapForm === 'overall' ? { parity: gapForm } : {}) }])} title="A logistic regression meets the bound by reductions (exponentiated gradient: a weighted mixture of logistic fits, exported as one model); an MLP by a penalty in its training loss.">
            + constraint in training
          </button>
        </div>
        <p>{draft.length ? draft.map(describeIntervention).join(' → ') : 'No interventions yet (that is the starting model).'}</p>
        <button
          className="primary"
          onClick={() => {
            add([{ base: draftBase, scenario: { name: draftName || `scenario ${nextId.current}`, interventions: draft } }]);
            setDraft([]);
            setDraftName('');
          }}
        >
          Add scenario
        </button>
      </details>
      {spec && <LightChart spec={spec} testId="pareto" stale={running} />}
      {entries.length > 0 && (
        <table className="scenarios" data-testid="scenario-table">
          <caption className="visually-hidden">Scenarios on the held-out leads, with differences from the audited model</caption>
          <thead>
            <tr>
              <th scope="col">scenario</th>
              <th scope="col">status</th>
              <th scope="col" title="accuracy on the held-out leads">
                accuracy
              </th>
              <th scope="col">balanced acc.</th>
              <th scope="col">ROC AUC</th>
              {levels.map((l) => (
                <th scope="col" key={l} title={`selection rate of ${l}`}>
                  sel. {l}
                </th>
              ))}
              <th scope="col">DP diff.</th>
              <th scope="col">EO diff.</th>
              <th scope="col">EOdds diff.</th>
              <th scope="col">time</th>
              <th scope="col">actions</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const m = e.result && e.resultVersion === e.version ? e.result.metrics : null;
              const isRef = e === reference;
              const cell = (v: { value: number | null; interval?: { lower: number | null; upper: number | null } } | undefined, refV: number | null | undefined) => (
                <td className="num">
                  {num(v?.value)}
                  {!isRef && refV !== undefined && v && v.value !== null && refV !== null && <span className="ci">{signed(v.value - refV)}</span>}
                  {v?.interval && v.interval.lower !== null && (
                    <span className="ci">
                      [{num(v.interval.lower)}, {num(v.interval.upper)}]
                    </span>
                  )}
                </td>
              );
              return (
                <tr key={e.id} data-status={e.status} data-degenerate={m?.degenerate ? m.degenerate.kind : undefined}>
                  <th scope="row" title={e.scenario.interventions.map(describeIntervention).join(' → ') || 'no intervention'}>
                    <strong>{e.scenario.name}</strong>
                    <span className="sub">
                      {e.base === 'audited' ? 'audited model' : `retrained ${retrainKind === 'mlp' ? 'MLP' : 'logistic regression'}`}
                      {e.scenario.interventions.length ? ` → ${e.scenario.interventions.map(describeIntervention).join(' → ')}` : ''}
                    </span>
                    {m?.degenerate && (
                      <span className="tag warn" data-testid="degenerate" title={m.degenerate.message}>
                        {m.degenerate.kind === 'selects-nobody' ? 'selects almost nobody' : 'selects almost everybody'}: not a trade-off
                      </span>
                    )}
                    {e.result?.notes.map((n) => (
                      <span key={n} className="sub note">
                        {n}
                      </span>
                    ))}
                  </th>
                  <td>{e.status === 'failed' ? <span className="warning">{e.message}</span> : e.status === 'running' ? `running… ${e.message ?? ''}` : e.status}</td>
                  {cell(m?.accuracy, ref?.accuracy.value)}
                  {cell(m?.balancedAccuracy, ref?.balancedAccuracy.value)}
                  {cell(m?.rocAuc, ref?.rocAuc.value)}
                  {levels.map((l) => {
                    const g = m?.selectionRate.find((x) => x.level === l);
                    return (
                      <td key={l} className="num">
                        {g ? num(g.value) : ''}
                      </td>
                    );
                  })}
                  {cell(m?.demographicParityDifference, ref?.demographicParityDifference.value)}
                  {cell(m?.equalOpportunityDifference, ref?.equalOpportunityDifference.value)}
                  {cell(m?.equalizedOddsDifference, ref?.equalizedOddsDifference.value)}
                  <td className="num">{e.result ? `${num(e.result.timings.totalMs / 1000, 1)} s` : ''}</td>
                  <td>
                    <button disabled={!m} onClick={() => exportScenario(e)} title="Download model.json, weights and manifest (with group thresholds)" aria-label={`export ${e.scenario.name}`}>
                      Export
                    </button>
                    <button onClick={() => remove(e.id)} aria-label={`remove ${e.scenario.name}`}>
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {split && <p className="footnote">Intervals: 200 bootstrap resamples of the held-out leads.</p>}
    </>
  );
});
