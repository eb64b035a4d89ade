import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { WorkbenchSession } from '../client/session';
import { asWorkbenchError, isAbortError } from '../client/bridge';
import type { Problem } from '../core/errors';
import type { DatasetRoles } from '../core/roles';
import type { ColumnType } from '../core/table';
import type { DatasetSummary, ModelSummary, TrainEpoch } from '../../workers/workbench.worker';
import { downloadFiles } from './download';
import { DEMOS, demoFromUrl, fetchDemoFile, type DemoName } from './demo';
import { DataPanel } from './components/DataPanel';
import { ModelPanel } from './components/ModelPanel';
import { AuditPanel } from './components/AuditPanel';
import { ExplainPanel } from './components/ExplainPanel';
import { ComparePanel } from './components/ComparePanel';
import { ProblemBanner } from './components/ProblemBanner';

type Tab = 'data' | 'audit' | 'explain' | 'compare';

const TABS: { id: Tab; label: string }[] = [
  { id: 'data', label: '1 · Data & model' },
  { id: 'audit', label: '2 · Audit' },
  { id: 'explain', label: '3 · Explain' },
  { id: 'compare', label: '4 · Mitigate & compare' },
];

export interface Busy {
  label: string;
  done?: number;
  total?: number;
  cancel?: () => void;
}

/** Roles from a model manifest where they fit the dataset (target and suggested protected attributes). */
function rolesFromManifest(roles: DatasetRoles, model: ModelSummary, dataset: DatasetSummary): DatasetRoles {
  const names = new Set(dataset.columns.map((c) => c.name));
  const m = model.manifest as ModelSummary['manifest'] & { protected?: { column: string; cuts?: number[] }[] };
  const target = names.has(m.target.column) ? { column: m.target.column, positive: m.target.positive } : roles.target;
  const protectedAttrs = (m.protected ?? []).filter((p) => names.has(p.column));
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

export function App() {
  const session = useRef<WorkbenchSession>(null);
  if (!session.current) session.current = new WorkbenchSession();
  const [dataset, setDataset] = useState<DatasetSummary | null>(null);
  const [roles, setRoles] = useState<DatasetRoles | null>(null);
  const [model, setModel] = useState<ModelSummary | null>(null);
  const [modelFiles, setModelFiles] = useState<{ name: string; data: Uint8Array }[] | null>(null);
  const [attribute, setAttribute] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [history, setHistory] = useState<TrainEpoch[]>([]);
  const [demo, setDemo] = useState<DemoName | null>(null);

  useEffect(() => () => session.current?.dispose(), []);

  const report = useCallback((e: unknown) => {
    if (isAbortError(e)) {
      setProblem({ code: 'aborted', message: 'Cancelled. Everything loaded before is still here.' });
      return;
    }
    const err = asWorkbenchError(e);
    setProblem({ code: 'code' in err ? err.code : 'internal', message: err.message, hint: 'hint' in err ? err.hint : undefined });
  }, []);

  const loadCsv = useCallback(
    async (source: Parameters<WorkbenchSession['loadCsv']>[0]) => {
      const controller = new AbortController();
      setBusy({ label: `Reading ${source.name}`, cancel: () => controller.abort() });
      try {
        const summary = await session.current!.loadCsv(source, {}, (p) => setBusy((b) => (b ? { ...b, done: p.done, total: p.total } : b)), controller.signal);
        setDataset(summary);
        setRoles(model ? rolesFromManifest(summary.suggestedRoles, model, summary) : summary.suggestedRoles);
        setAttribute(null);
        setProblem(null);
        return summary;
      } catch (e) {
        report(e);
        return null;
      } finally {
        setBusy(null);
      }
    },
    [model, report],
  );

  const loadModel = useCallback(
    async (files: { name: string; data: ArrayBuffer | Uint8Array }[], manifest: unknown, name: string, ds: DatasetSummary | null) => {
      setBusy({ label: `Loading model ${name}` });
      try {
        const summary = await session.current!.loadModel(files, manifest, name);
        setModel(summary);
        setModelFiles(null);
        setHistory([]);
        if (ds) setRoles((r) => rolesFromManifest(r ?? ds.suggestedRoles, summary, ds));
        setProblem(null);
        return summary;
      } catch (e) {
        report(e);
        return null;
      } finally {
        setBusy(null);
      }
    },
    [report],
  );

  const openDemo = useCallback(
    async (name: DemoName) => {
      const d = DEMOS[name];
      setDemo(name);
      const ds = await loadCsv({ kind: 'url', url: new URL(d.csv, document.baseURI).href, name: 'bank-full.csv' });
      if (!ds) return;
      try {
        const [modelJson, weights, manifestBytes] = await Promise.all([...d.model.map(fetchDemoFile), fetchDemoFile(d.manifest)]);
        const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as unknown;
        await loadModel(
          [
            { name: 'model.json', data: modelJson },
            { name: 'model.weights.bin', data: weights },
          ],
          manifest,
          'Bank demo lead score (MLP)',
          ds,
        );
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

  const train = useCallback(
    async (kind: 'logistic' | 'mlp', seed: number, epochs: number) => {
      if (!dataset || !roles) return;
      const controller = new AbortController();
      setHistory([]);
      setBusy({ label: `Training ${kind}`, done: 0, total: epochs, cancel: () => controller.abort() });
      try {
        const { summary, files } = await session.current!.train(
          dataset.id,
          roles,
          { kind, seed, epochs },
          (e) => {
            setHistory((h) => [...h, e]);
            setBusy((b) => (b ? { ...b, done: e.epoch, total: e.epochs } : b));
          },
          controller.signal,
        );
        setModel(summary);
        setModelFiles(files);
        setProblem(null);
      } catch (e) {
        report(e);
      } finally {
        setBusy(null);
      }
    },
    [dataset, roles, report],
  );

  const retype = useCallback(
    async (column: string, type: ColumnType) => {
      if (!dataset) return;
      try {
        const { summary, lostValues } = await session.current!.retype(dataset.id, column, type);
        setDataset({ ...summary, name: dataset.name, delimiter: dataset.delimiter, header: dataset.header, parseMs: dataset.parseMs });
        setProblem(lostValues ? { code: 'roles-invalid', message: `${lostValues} values of ${column} are not numbers and are now missing.` } : null);
      } catch (e) {
        report(e);
      }
    },
    [dataset, report],
  );

  const exportFiles = useCallback(async () => {
    if (!model) return;
    try {
      const files = modelFiles ?? (await session.current!.audit.call(undefined, (api) => api.exportModel(model.id)));
      downloadFiles(files);
    } catch (e) {
      report(e);
    }
  }, [model, modelFiles, report]);

  const [tab, setTab] = useState<Tab>('data');
  const [focusRow, setFocusRow] = useState<number | null>(null);
  const ready = Boolean(dataset && model && roles && roles.protected.length > 0);
  // when the demo (or a dataset + model) is ready, open the audit
  const opened = useRef(false);
  useEffect(() => {
    if (ready && !opened.current) {
      opened.current = true;
      setTab('audit');
    }
  }, [ready]);

  const credit = useMemo(() => (demo ? DEMOS[demo].credit : null), [demo]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Bias Workbench</h1>
        <p className="tagline">Audit a lead-scoring model for fairness. Everything runs in this browser; no data leaves this page.</p>
        {!dataset && !busy && (
          <button className="primary" onClick={() => void openDemo('bank')} data-testid="open-demo">
            Open the bank demo
          </button>
        )}
      </header>
      {problem && <ProblemBanner problem={problem} onClose={() => setProblem(null)} />}
      {busy && (
        <div className="busy" role="status" data-testid="busy">
          <span>{busy.label}</span>
          {busy.total ? <progress value={busy.done ?? 0} max={busy.total} /> : <progress />}
          {busy.cancel && (
            <button onClick={busy.cancel} data-testid="cancel">
              Cancel
            </button>
          )}
        </div>
      )}
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'active' : ''}
            disabled={t.id !== 'data' && !ready}
            title={t.id !== 'data' && !ready ? 'Load a dataset and a model (or train one) and choose a protected attribute first' : undefined}
            onClick={() => setTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main className="layout" hidden={tab !== 'data'}>
        <section className="panel">
          <DataPanel
            dataset={dataset}
            roles={roles}
            onRoles={setRoles}
            onRetype={retype}
            onFile={(file) => void loadCsv({ kind: 'file', file, name: file.name })}
          />
        </section>
        <section className="panel">
          <ModelPanel
            model={model}
            dataset={dataset}
            history={history}
            busy={Boolean(busy)}
            onFiles={(files, manifest, name) => void loadModel(files, manifest, name, dataset)}
            onProblem={setProblem}
            onTrain={(kind, seed, epochs) => void train(kind, seed, epochs)}
            onExport={() => void exportFiles()}
          />
        </section>
      </main>
      {ready && dataset && model && roles && (
        <>
          <section className="panel wide" hidden={tab !== 'audit'}>
            <AuditPanel
              key={`${dataset.id}/${model.id}`}
              session={session.current!}
              dataset={dataset}
              model={model}
              roles={roles}
              attribute={attribute}
              onAttribute={setAttribute}
              onExplainLead={(row) => {
                setFocusRow(row);
                setTab('explain');
              }}
            />
          </section>
          <section className="panel wide" hidden={tab !== 'explain'}>
            <ExplainPanel key={`${dataset.id}/${model.id}`} session={session.current!} dataset={dataset} model={model} roles={roles} attribute={attribute} focusRow={focusRow} />
          </section>
          <section className="panel wide" hidden={tab !== 'compare'}>
            <ComparePanel key={`${dataset.id}/${model.id}`} session={session.current!} dataset={dataset} model={model} roles={roles} attribute={attribute} />
          </section>
        </>
      )}
      <footer className="credit">
        {credit && <p data-testid="credit">{credit}</p>}
        <p>Bias Workbench works offline: no server, no telemetry, no third-party requests.</p>
      </footer>
    </div>
  );
}
