import { Suspense, lazy, startTransition, useCallback, useDeferredValue, useEffect, useMemo, useReducer, useRef } from 'react';
import { WorkbenchSession } from '../client/session';
import { problemOf } from '../client/bridge';
import type { Problem } from '../core/errors';
import type { DatasetRoles } from '../core/roles';
import type { DecisionRule } from '../core/metrics';
import type { ColumnType } from '../core/table';
import type { ScoreKind } from '../core/score-column';
import type { DraftChoices } from '../core/manifest/draft';
import type { DatasetSummary, ModelSummary, TrainEpoch } from '../../workers/workbench.worker';
import { downloadFiles } from './download';
import { DEMOS, demoFromUrl, fetchDemoFile, type DemoName } from './demo';
import { DataPanel } from './components/DataPanel';
import { ModelPanel } from './components/ModelPanel';
import { AuditPanel } from './components/AuditPanel';
import { ProblemBanner } from './components/ProblemBanner';
import { TabPanel, Tabs } from './components/Tabs';
import { useEscape } from './hooks';
import { count } from '../core/format';
import { ProjectsBar } from './components/ProjectsBar';
import { useProject, type RestoredView } from './use-project';
import type { PageReportSources, explainedSummary } from '../client/report-inputs';

/**
 * The tabs that are not on the first screen load as chunks of their own, when they mount (in
 * the background after the first screen, or when opened): the page's first script is smaller,
 * and evaluating it no longer makes one long task while the demo opens.
 */
const ExplainPanel = lazy(() => import('./components/ExplainPanel').then((m) => ({ default: m.ExplainPanel })));
const ComparePanel = lazy(() => import('./components/ComparePanel').then((m) => ({ default: m.ComparePanel })));
const SimulatePanel = lazy(() => import('./components/SimulatePanel').then((m) => ({ default: m.SimulatePanel })));
const OversightPanel = lazy(() => import('./components/OversightPanel').then((m) => ({ default: m.OversightPanel })));
const WorkshopPanel = lazy(() => import('./components/WorkshopPanel').then((m) => ({ default: m.WorkshopPanel })));
const MonitorPanel = lazy(() => import('./components/MonitorPanel').then((m) => ({ default: m.MonitorPanel })));
const loading = <p className="muted">Loading…</p>;

type Tab = 'data' | 'audit' | 'explain' | 'compare' | 'simulate' | 'oversight' | 'monitor' | 'workshop';

export interface Busy {
  label: string;
  done?: number;
  total?: number;
  cancel?: () => void;
}

/** Roles from a model manifest where they fit the dataset (target and suggested protected attributes). */
function rolesFromManifest(roles: DatasetRoles, model: ModelSummary, dataset: DatasetSummary): DatasetRoles {
  const names = new Set(dataset.columns.map((c) => c.name));
  const m = model.manifest;
  const target = names.has(m.target.column) ? { column: m.target.column, positive: m.target.positive } : roles.target;
  const protectedAttrs = (m.protected ?? []).filter((p) => names.has(p.column)).map((p) => ({ column: p.column, ...(p.cuts ? { cuts: p.cuts } : {}) }));
  const prot = protectedAttrs.length ? protectedAttrs : roles.protected;
  const featureSet = new Set(m.features.map((f) => f.column));
  const used = new Set([target.column, ...prot.map((p) => p.column)]);
  return {
    ...roles,
    target,
    protected: prot,
    // a protected attribute the model also reads stays "protected" here: the manifest, not the roles, decides the model's inputs
    features: dataset.columns.map((c) => c.name).filter((n) => featureSet.has(n) && !used.has(n)),
    ignored: dataset.columns.map((c) => c.name).filter((n) => !featureSet.has(n) && !used.has(n)),
  };
}

/** The session: what is loaded, the roles, and the settings every panel follows. */
interface State {
  dataset: DatasetSummary | null;
  roles: DatasetRoles | null;
  model: ModelSummary | null;
  /** files of a model trained here (for download) */
  modelFiles: { name: string; data: Uint8Array }[] | null;
  /** null when the model fits the dataset; else why not */
  misfit: string | null;
  /** the audited attribute, as the audit names it ('age', 'age&marital') */
  attribute: string | null;
  /** the decision rule every panel uses */
  decision: DecisionRule;
  busy: Busy | null;
  problem: Problem | null;
  history: TrainEpoch[];
  demo: DemoName | null;
  tab: Tab;
  /** a lead picked in the audit's call list, to explain */
  focusRow: number | null;
  /**
   * The tabs whose panels are mounted. At first only the tab on screen is (when the page opens,
   * and again when a project is opened); the others follow on first open, or one at a time in
   * the background once they can be shown (BACKGROUND_MOUNTS). Mounting every panel at once was
   * one long render: 69–283 ms after a restore, and on opening the demo the first render (with
   * the Workshop tab's QR code) and the one that mounted the five model tabs together.
   */
  mounted: 'all' | Tab[];
}

const ALL_TABS: Tab[] = ['data', 'audit', 'explain', 'compare', 'simulate', 'oversight', 'monitor', 'workshop'];

/**
 * The order in which tabs not yet mounted are mounted in the background. Not Workshop: its QR
 * code is one component's render of tens of ms, which a transition cannot split; it is drawn
 * when the tab is first opened.
 */
const BACKGROUND_MOUNTS: Tab[] = ['audit', 'explain', 'compare', 'data', 'simulate', 'oversight', 'monitor'];

/** The tabs that show a panel only once data and a model that fits it are loaded. */
const NEEDS_MODEL = new Set<Tab>(['audit', 'explain', 'compare', 'oversight', 'monitor']);

/** `mounted` with `tab` added; 'all' once every tab is. */
function withMounted(mounted: State['mounted'], tab: Tab | undefined): State['mounted'] {
  if (mounted === 'all' || tab === undefined || mounted.includes(tab)) return mounted;
  const next = [...mounted, tab];
  return ALL_TABS.every((t) => next.includes(t)) ? 'all' : next;
}

/** The next tab to mount in the background, if any: the first of BACKGROUND_MOUNTS not mounted that can be shown now. */
function nextBackgroundMount(mounted: State['mounted'], ready: boolean): Tab | undefined {
  if (mounted === 'all') return undefined;
  return BACKGROUND_MOUNTS.find((t) => !mounted.includes(t) && (ready || !NEEDS_MODEL.has(t)));
}

type Action =
  | { type: 'busy'; busy: Busy | null }
  | { type: 'progress'; done: number; total: number }
  | { type: 'problem'; problem: Problem | null }
  | { type: 'dataset'; dataset: DatasetSummary; roles: DatasetRoles; misfit: string | null }
  | { type: 'retyped'; dataset: DatasetSummary }
  | { type: 'model'; model: ModelSummary; files: { name: string; data: Uint8Array }[] | null; roles: DatasetRoles | null }
  | { type: 'roles'; roles: DatasetRoles }
  | { type: 'attribute'; attribute: string }
  | { type: 'decision'; decision: DecisionRule }
  | { type: 'epoch'; epoch: TrainEpoch }
  | { type: 'history'; history: TrainEpoch[] }
  | { type: 'demo'; demo: DemoName }
  | { type: 'tab'; tab: Tab }
  | { type: 'explain-lead'; row: number }
  | { type: 'restore'; view: RestoredView }
  | { type: 'mount'; tab: Tab };

function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'busy':
      return { ...s, busy: a.busy };
    case 'progress':
      return s.busy ? { ...s, busy: { ...s.busy, done: a.done, total: a.total } } : s;
    case 'problem':
      return { ...s, problem: a.problem };
    case 'dataset':
      return { ...s, dataset: a.dataset, roles: a.roles, misfit: a.misfit, attribute: null, focusRow: null, problem: null };
    case 'retyped':
      return { ...s, dataset: a.dataset };
    case 'model':
      return {
        ...s,
        model: a.model,
        modelFiles: a.files,
        misfit: null,
        roles: a.roles ?? s.roles,
        decision: { rule: 'threshold', threshold: a.model.manifest.threshold ?? 0.5 },
        focusRow: null,
        problem: null,
      };
    case 'roles':
      return { ...s, roles: a.roles };
    case 'attribute':
      return { ...s, attribute: a.attribute };
    case 'decision':
      return { ...s, decision: a.decision };
    case 'epoch':
      return { ...s, history: [...s.history, a.epoch], busy: s.busy ? { ...s.busy, done: a.epoch.epoch, total: a.epoch.epochs } : s.busy };
    case 'history':
      return { ...s, history: a.history };
    case 'demo':
      return { ...s, demo: a.demo };
    case 'tab':
      return { ...s, tab: a.tab, mounted: withMounted(s.mounted, a.tab) };
    case 'explain-lead':
      return { ...s, focusRow: a.row, tab: 'explain', mounted: withMounted(s.mounted, 'explain') };
    case 'mount':
      return { ...s, mounted: withMounted(s.mounted, a.tab) };
    case 'restore': {
      // a project opened: everything it keeps, in one step, so every panel mounts with it
      const v = a.view;
      const tab = (v.tab ?? s.tab) as Tab;
      const demo = v.demo && v.demo in DEMOS ? (v.demo as DemoName) : null;
      return { ...s, dataset: v.dataset, model: v.model, modelFiles: null, roles: v.roles, misfit: null, attribute: v.attribute, decision: v.decision, tab, demo, focusRow: null, problem: null, history: v.history, mounted: [tab] };
    }
  }
}

const initial: State = {
  dataset: null,
  roles: null,
  model: null,
  modelFiles: null,
  misfit: null,
  attribute: null,
  decision: { rule: 'threshold', threshold: 0.5 },
  busy: null,
  problem: null,
  history: [],
  demo: null,
  tab: 'data',
  focusRow: null,
  mounted: ['data'],
};

export function App() {
  const session = useRef<WorkbenchSession>(null);
  if (!session.current) session.current = new WorkbenchSession();
  const [s, dispatch] = useReducer(reduce, initial);
  const { dataset, roles, model, busy } = s;
  // the newest state for callbacks that outlive a render (loads that finish later)
  const latest = useRef(s);
  latest.current = s;

  useEffect(() => () => session.current?.dispose(), []);
  useEscape(Boolean(busy?.cancel), () => busy?.cancel?.());

  const report = useCallback((e: unknown) => dispatch({ type: 'problem', problem: problemOf(e) }), []);

  // the current project: saved as it changes, restored from the address (?project=…)
  const project = useProject({
    session: session.current!,
    view: { dataset, model: s.misfit ? null : model, roles, attribute: s.attribute, decision: s.decision, tab: s.tab, demo: s.demo, history: s.history },
    apply: (view) => dispatch({ type: 'restore', view }),
    onBusy: (label) => dispatch({ type: 'busy', busy: label ? { label } : null }),
    onProblem: (problem) => dispatch({ type: 'problem', problem }),
    demoTitle: (demo) => (demo in DEMOS ? DEMOS[demo as DemoName].title : demo),
  });

  const loadCsv = useCallback(
    async (source: Parameters<WorkbenchSession['loadCsv']>[0]) => {
      const controller = new AbortController();
      dispatch({ type: 'busy', busy: { label: `Reading ${source.name}`, cancel: () => controller.abort() } });
      try {
        const summary = await session.current!.loadCsv(source, {}, (p) => dispatch({ type: 'progress', done: p.done, total: p.total }), controller.signal);
        const current = latest.current.model;
        let misfit: string | null = null;
        if (current?.format === 'scores') {
          misfit = `The scores came from the column '${current.manifest.model?.scoreColumn ?? ''}' of the previous data.`;
        } else if (current) {
          try {
            await session.current!.audit.call(undefined, (api) => api.checkModelFits({ dataset: summary.id, model: current.id }));
          } catch (e) {
            misfit = problemOf(e).message;
          }
        }
        dispatch({ type: 'dataset', dataset: summary, roles: current && !misfit ? rolesFromManifest(summary.suggestedRoles, current, summary) : summary.suggestedRoles, misfit });
        return summary;
      } catch (e) {
        report(e);
        return null;
      } finally {
        dispatch({ type: 'busy', busy: null });
      }
    },
    [report],
  );

  const loadModel = useCallback(
    async (files: { name: string; data: ArrayBuffer | Uint8Array }[], manifest: unknown, name: string, ds: DatasetSummary | null) => {
      dispatch({ type: 'busy', busy: { label: `Loading model ${name}` } });
      try {
        // a model that does not fit the loaded data is refused; the working model stays
        const summary = await session.current!.loadModel(files, manifest, name, ds ? { fitDataset: ds.id } : {});
        dispatch({ type: 'model', model: summary, files: null, roles: ds ? rolesFromManifest(latest.current.roles ?? ds.suggestedRoles, summary, ds) : null });
        dispatch({ type: 'history', history: [] });
        return summary;
      } catch (e) {
        report(e);
        return null;
      } finally {
        dispatch({ type: 'busy', busy: null });
      }
    },
    [report],
  );

  /** A score (or 0/1 decision) column of the loaded data as the model; refused columns keep the working model. */
  const scoresFromColumn = useCallback(
    async (column: string, kind: ScoreKind) => {
      const ds = latest.current.dataset;
      const r = latest.current.roles ?? ds?.suggestedRoles;
      if (!ds || !r) return;
      dispatch({ type: 'busy', busy: { label: `Reading scores from '${column}'` } });
      try {
        const summary = await session.current!.useScoreColumn(ds.id, column, kind, r.target);
        // the score column is the model's only input: it is no feature of the data's roles
        const roles: DatasetRoles = { ...r, features: r.features.filter((f) => f !== column), ignored: [...r.ignored.filter((f) => f !== column), column] };
        dispatch({ type: 'model', model: summary, files: null, roles });
        dispatch({ type: 'history', history: [] });
      } catch (e) {
        report(e);
      } finally {
        dispatch({ type: 'busy', busy: null });
      }
    },
    [report],
  );

  const openDemo = useCallback(
    async (name: DemoName) => {
      const d = DEMOS[name];
      dispatch({ type: 'demo', demo: name });
      const ds = await loadCsv({ kind: 'url', url: new URL(d.csv, document.baseURI).href, name: d.fileName });
      if (!ds) return;
      try {
        const [modelJson, weights, manifestBytes] = await Promise.all([...d.model.map(fetchDemoFile), fetchDemoFile(d.manifest)]);
        const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as unknown;
        const m = await loadModel(
          [
            { name: 'model.json', data: modelJson },
            { name: 'model.weights.bin', data: weights },
          ],
          manifest,
          d.modelName,
          ds,
        );
        if (m) dispatch({ type: 'tab', tab: 'audit' });
      } catch (e) {
        report(e);
      }
    },
    [loadCsv, loadModel, report],
  );

  useEffect(() => {
    const name = demoFromUrl(window.location.search);
    if (name) void openDemo(name);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Train a model on a dataset with roles (the model panel's button, or leads from the simulator). */
  const trainOn = useCallback(
    async (ds: DatasetSummary, r: DatasetRoles, kind: 'logistic' | 'mlp', seed: number, epochs: number) => {
      const controller = new AbortController();
      dispatch({ type: 'history', history: [] });
      dispatch({ type: 'busy', busy: { label: `Training ${kind}`, done: 0, total: epochs, cancel: () => controller.abort() } });
      try {
        const { summary, files } = await session.current!.train(ds.id, r, { kind, seed, epochs }, (e) => dispatch({ type: 'epoch', epoch: e }), controller.signal);
        dispatch({ type: 'model', model: summary, files, roles: null });
        return summary;
      } catch (e) {
        report(e);
        return null;
      } finally {
        dispatch({ type: 'busy', busy: null });
      }
    },
    [report],
  );

  const train = useCallback(
    async (kind: 'logistic' | 'mlp', seed: number, epochs: number) => {
      if (dataset && roles) await trainOn(dataset, roles, kind, seed, epochs);
    },
    [dataset, roles, trainOn],
  );

  /**
   * Leads from the simulator as the dataset: the recorded outcome is the target, town size, age
   * band and gender are protected (and not the model's inputs), and a logistic regression is
   * trained on the rest — so the model can only reach town size through its proxies.
   */
  const loadGeneratedLeads = useCallback(
    async (bytes: Uint8Array, name: string) => {
      const ds = await loadCsv({ kind: 'bytes', bytes, name });
      if (!ds) return;
      const names = new Set(ds.columns.map((c) => c.name));
      const prot = ['town_size', 'age_band', 'gender'].filter((c) => names.has(c)).map((column) => ({ column }));
      const ignored = ['lead_id', 'called', 'converted_true'].filter((c) => names.has(c));
      const skip = new Set(['converted', ...ignored, ...prot.map((p) => p.column)]);
      const r: DatasetRoles = { target: { column: 'converted', positive: 'yes' }, protected: prot, features: ds.columns.map((c) => c.name).filter((n) => !skip.has(n)), ignored };
      dispatch({ type: 'roles', roles: r });
      const m = await trainOn(ds, r, 'logistic', 42, 10);
      if (m) {
        dispatch({ type: 'attribute', attribute: 'town_size' });
        dispatch({ type: 'tab', tab: 'audit' });
      }
    },
    [loadCsv, trainOn],
  );

  const retype = useCallback(
    async (column: string, type: ColumnType) => {
      if (!dataset) return;
      try {
        const { summary, lostValues } = await session.current!.retype(dataset.id, column, type);
        dispatch({ type: 'retyped', dataset: summary });
        dispatch({
          type: 'problem',
          problem: lostValues
            ? { code: 'roles-invalid', message: `${count(lostValues)} values of '${column}' are not ${type === 'numeric' ? 'numbers' : 'readable as ' + type} and read as missing while it is ${type}.`, hint: 'Nothing is lost: change the type back to get the values as they were read.' }
            : null,
        });
      } catch (e) {
        report(e);
      }
    },
    [dataset, report],
  );

  const exportFiles = useCallback(async () => {
    if (!model) return;
    try {
      const files = s.modelFiles ?? (await session.current!.audit.call(undefined, (api) => api.exportModel({ model: model.id })));
      downloadFiles(files);
    } catch (e) {
      report(e);
    }
  }, [model, s.modelFiles, report]);

  const ready = Boolean(dataset && model && roles && roles.protected.length > 0 && !s.misfit);
  const notReady = !dataset
    ? 'Load a dataset first'
    : !model
      ? 'Load a model or train one first'
      : s.misfit
        ? 'The model does not fit this dataset'
        : 'Choose a protected attribute first';
  const tabs = useMemo(
    () => [
      { id: 'data' as const, label: '1 · Data & model' },
      { id: 'audit' as const, label: '2 · Audit', disabled: !ready, reason: notReady },
      { id: 'explain' as const, label: '3 · Explain', disabled: !ready, reason: notReady },
      { id: 'compare' as const, label: '4 · Mitigate & compare', disabled: !ready, reason: notReady },
      { id: 'simulate' as const, label: '5 · Simulate' },
      { id: 'oversight' as const, label: '6 · Oversight', disabled: !ready, reason: notReady },
      { id: 'monitor' as const, label: '7 · Monitor', disabled: !ready, reason: notReady },
      { id: 'workshop' as const, label: '8 · Workshop' },
    ],
    [ready, notReady],
  );
  const tab = ready || s.tab === 'simulate' || s.tab === 'workshop' ? s.tab : 'data';
  const mounted = (t: Tab) => t === tab || s.mounted === 'all' || s.mounted.includes(t);
  // the panels not on screen mount one at a time, each as a transition (in slices that yield
  // to input), once the page has had a moment
  const nextMount = nextBackgroundMount(s.mounted, ready);
  useEffect(() => {
    if (!nextMount) return;
    const id = setTimeout(() => startTransition(() => dispatch({ type: 'mount', tab: nextMount })), 150);
    return () => clearTimeout(id);
  }, [nextMount]);
  // the panels not on screen follow the rule at low priority: a drag in the audit never waits for them
  const deferredDecision = useDeferredValue(s.decision);
  const credit = s.demo ? DEMOS[s.demo].credit : null;
  const { saveFile, confirmSave, openFile, giveData, openKept, remove: removeProject, onCompare, onPanel } = project;
  const onSaveProject = useCallback((includeData: boolean) => void saveFile(includeData).catch(report), [saveFile, report]);
  const onConfirmSave = useCallback((...a: Parameters<typeof confirmSave>) => void confirmSave(...a).catch(report), [confirmSave, report]);
  const onProjectData = useCallback((file: File) => void giveData(file), [giveData]);
  const onOpenProject = useCallback((file: File) => void openFile(file), [openFile]);
  const onOpenKept = useCallback((id: string) => void openKept(id), [openKept]);
  const onDeleteProject = useCallback((id: string) => void removeProject(id), [removeProject]);
  // what the impact-assessment report takes from the other tabs, read when its dialog opens
  const compareFor = project.compareFor;
  /** the Explain tab's last finished run, for the dataset and model it was made on */
  const explained = useRef<{ pair: string; summary: ReturnType<typeof explainedSummary> } | null>(null);
  const onExplained = useCallback((summary: ReturnType<typeof explainedSummary>) => {
    const { dataset: ds, model: m } = latest.current;
    if (ds && m) explained.current = { pair: `${ds.id}/${m.id}`, summary };
  }, []);
  const reportSources = useCallback((): PageReportSources => {
    const { dataset: ds, model: m } = latest.current;
    const e = explained.current && ds && m && explained.current.pair === `${ds.id}/${m.id}` ? explained.current.summary : null;
    return { compare: ds && m ? compareFor(ds.id, m.id) : undefined, policy: session.current!.monitor.policy, logModelId: m ? (m.fingerprint ?? `model:${m.id}`) : '', ...(e ?? {}) };
  }, [compareFor]);
  const onAttribute = useCallback((a: string) => dispatch({ type: 'attribute', attribute: a }), []);
  const onDecision = useCallback((d: DecisionRule) => dispatch({ type: 'decision', decision: d }), []);
  const onExplainLead = useCallback((row: number) => dispatch({ type: 'explain-lead', row }), []);
  // stable handlers, so the data and model panels (memoised) do not re-render on every slider step
  const onRoles = useCallback((r: DatasetRoles) => dispatch({ type: 'roles', roles: r }), []);
  const onFile = useCallback((file: File) => void loadCsv({ kind: 'file', file, name: file.name }), [loadCsv]);
  const onModelFiles = useCallback(
    (files: { name: string; data: ArrayBuffer }[], manifest: unknown, name: string) => void loadModel(files, manifest, name, latest.current.dataset),
    [loadModel],
  );
  const onProblem = useCallback((p: Problem) => dispatch({ type: 'problem', problem: p }), []);
  const onTrain = useCallback((kind: 'logistic' | 'mlp', seed: number, epochs: number) => void train(kind, seed, epochs), [train]);
  const onExport = useCallback(() => void exportFiles(), [exportFiles]);
  const draftManifest = useCallback(
    (choices: DraftChoices) => {
      const ds = latest.current.dataset;
      if (!ds) return Promise.reject(new Error('Load a dataset first'));
      return session.current!.audit.call(undefined, (api) => api.draftManifest({ dataset: ds.id, choices }));
    },
    [],
  );
  const inspectModel = useCallback(
    (files: { name: string; data: ArrayBuffer }[]) => session.current!.audit.call(undefined, (api) => api.inspectModel({ files })),
    [],
  );
  const onScoreColumn = useCallback((column: string, kind: ScoreKind) => void scoresFromColumn(column, kind), [scoresFromColumn]);
  const onUseData = useCallback((bytes: Uint8Array, name: string) => void loadGeneratedLeads(bytes, name), [loadGeneratedLeads]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Bias Workbench</h1>
        <ProjectsBar
          currentId={project.id}
          name={project.name}
          status={project.status}
          list={project.list}
          onRename={project.rename}
          onSave={onSaveProject}
          preview={project.preview}
          onConfirmSave={onConfirmSave}
          wanted={project.wanted}
          onData={onProjectData}
          onCancelWanted={project.cancelWanted}
          onOpenFile={onOpenProject}
          onOpen={onOpenKept}
          onDelete={onDeleteProject}
        />
        <p className="tagline">Audit a lead-scoring model for fairness. Everything runs in this browser; no data leaves this page.</p>
        {!dataset && !busy && (
          <span className="demo-buttons">
            {(Object.keys(DEMOS) as DemoName[]).map((name) => (
              <button key={name} className="primary" onClick={() => void openDemo(name)} data-testid={name === 'bank' ? 'open-demo' : `open-demo-${name}`} title={DEMOS[name].title}>
                {DEMOS[name].button}
              </button>
            ))}
          </span>
        )}
      </header>
      <nav aria-label="Workbench steps">
        <Tabs label="Workbench steps" tabs={tabs} selected={tab} onSelect={(t) => dispatch({ type: 'tab', tab: t })} />
      </nav>
      <main>
        {s.problem && <ProblemBanner problem={s.problem} onClose={() => dispatch({ type: 'problem', problem: null })} />}
        {busy && (
          <div className="busy" role="status" data-testid="busy">
            <span>{busy.label}</span>
            {busy.total ? <progress value={busy.done ?? 0} max={busy.total} aria-label={busy.label} /> : <progress aria-label={busy.label} />}
            {busy.cancel && (
              <button onClick={busy.cancel} data-testid="cancel" aria-keyshortcuts="Escape">
                Cancel (Esc)
              </button>
            )}
          </div>
        )}
        <TabPanel id="data" selected={tab === 'data'} className="layout">
          {mounted('data') && (
            <>
              <h2 className="span-all">1 · Data & model</h2>
              <div className="panel">
                <DataPanel dataset={dataset} roles={roles} onRoles={onRoles} onRetype={retype} onFile={onFile} />
              </div>
              <div className="panel">
                <ModelPanel
                  model={model}
                  dataset={dataset}
                  misfit={s.misfit}
                  history={s.history}
                  busy={Boolean(busy)}
                  onFiles={onModelFiles}
                  onProblem={onProblem}
                  onTrain={onTrain}
                  onExport={onExport}
                  target={roles?.target.column}
                  onScoreColumn={onScoreColumn}
                  roles={roles}
                  draftManifest={draftManifest}
                  inspectModel={inspectModel}
                />
              </div>
            </>
          )}
        </TabPanel>
        {ready && dataset && model && roles && (
          <>
            <TabPanel id="audit" selected={tab === 'audit'} className="panel wide">
              {mounted('audit') && (
                <>
                  <AuditPanel
                    key={`${dataset.id}/${model.id}`}
                    session={session.current!}
                    dataset={dataset}
                    model={model}
                    roles={roles}
                    attribute={s.attribute}
                    onAttribute={onAttribute}
                    decision={s.decision}
                    onDecision={onDecision}
                    onExplainLead={onExplainLead}
                    reportSources={reportSources}
                    saved={project.panelSaved('audit', `${dataset.id}/${model.id}`)}
                    onSaved={onPanel.audit}
                  />
                </>
              )}
            </TabPanel>
            <TabPanel id="explain" selected={tab === 'explain'} className="panel wide">
              {mounted('explain') && (
                <Suspense fallback={loading}>
                  <ExplainPanel
                    key={`${dataset.id}/${model.id}`}
                    session={session.current!}
                    dataset={dataset}
                    model={model}
                    roles={roles}
                    attribute={s.attribute}
                    decision={tab === 'explain' ? s.decision : deferredDecision}
                    focusRow={s.focusRow}
                    visible={tab === 'explain'}
                    onExplained={onExplained}
                    saved={project.panelSaved('explain', `${dataset.id}/${model.id}`)}
                    onSaved={onPanel.explain}
                  />
                </Suspense>
              )}
            </TabPanel>
            <TabPanel id="compare" selected={tab === 'compare'} className="panel wide">
              {mounted('compare') && (
                <Suspense fallback={loading}>
                  <ComparePanel
                    key={`${dataset.id}/${model.id}`}
                    session={session.current!}
                    dataset={dataset}
                    model={model}
                    roles={roles}
                    attribute={s.attribute}
                    decision={tab === 'compare' ? s.decision : deferredDecision}
                    visible={tab === 'compare'}
                    saved={project.compareFor(dataset.id, model.id)}
                    onSaved={onCompare}
                  />
                </Suspense>
              )}
            </TabPanel>
            <TabPanel id="oversight" selected={tab === 'oversight'} className="panel wide">
              {mounted('oversight') && (
                <Suspense fallback={loading}>
                  <OversightPanel key={`${dataset.id}/${model.id}`} session={session.current!} dataset={dataset} model={model} roles={roles} attribute={s.attribute} decision={tab === 'oversight' ? s.decision : deferredDecision} />
                </Suspense>
              )}
            </TabPanel>
            <TabPanel id="monitor" selected={tab === 'monitor'} className="panel wide">
              {mounted('monitor') && (
                <Suspense fallback={loading}>
                  <MonitorPanel key={`${dataset.id}/${model.id}`} session={session.current!} dataset={dataset} model={model} roles={roles} attribute={s.attribute} decision={tab === 'monitor' ? s.decision : deferredDecision} onSaved={onPanel.monitor} />
                </Suspense>
              )}
            </TabPanel>
          </>
        )}
        <TabPanel id="simulate" selected={tab === 'simulate'} className="panel wide">
          {mounted('simulate') && (
            <Suspense fallback={loading}>
              <SimulatePanel key={project.restored} session={session.current!} visible={tab === 'simulate'} onUseData={onUseData} saved={project.panelSaved('simulate', String(project.restored))} onSaved={onPanel.simulate} />
            </Suspense>
          )}
        </TabPanel>
        <TabPanel id="workshop" selected={tab === 'workshop'} className="panel wide">
          {mounted('workshop') && (
            <Suspense fallback={loading}>
              <WorkshopPanel key={project.restored} session={session.current!} dataset={dataset} model={s.misfit ? null : model} roles={roles} saved={project.panelSaved('workshop', String(project.restored))} onSaved={onPanel.workshop} />
            </Suspense>
          )}
        </TabPanel>
      </main>
      <footer className="credit">
        {credit && <p data-testid="credit">{credit}</p>}
        <p>Bias Workbench works offline: no server, no telemetry, no third-party requests.</p>
      </footer>
    </div>
  );
}
