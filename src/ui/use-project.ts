/**
 * The page's current project: made when a dataset is first loaded (or a demo opened), saved to
 * the browser a moment after anything it holds changes, restored from the address
 * (`?project=<id>`) on reload, written to and read from a project file. The loading itself goes
 * through the session (the worker reads the CSV and the model as for any load); what the page
 * shows is handed to the App in one `apply`, so every panel mounts with the restored settings.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WorkbenchSession } from '../client/session';
import { OVERSIGHT_DB } from '../client/store';
import { ProjectAutosave, ProjectStore, newProjectMeta, sourceBytes, storageProblem, type ProjectListing, type ProjectWrite, type SaveStatus } from '../client/projects';
import { WorkbenchError, type Problem } from '../core/errors';
import { decodeProject, encodeProject, entryName, type Project, type ProjectBundle, type ProjectCompare } from '../core/project';
import type { DatasetRoles } from '../core/roles';
import type { DecisionRule } from '../core/metrics';
import type { DatasetSummary, ModelSummary } from '../../workers/workbench.worker';
import { downloadFiles } from './download';

/** What the page holds that a project keeps. */
export interface ProjectView {
  dataset: DatasetSummary | null;
  model: ModelSummary | null;
  roles: DatasetRoles | null;
  attribute: string | null;
  decision: DecisionRule;
  tab: string;
  demo: string | null;
}

/** A restored project, for the App to show in one step. */
export interface RestoredView {
  dataset: DatasetSummary;
  model: ModelSummary | null;
  roles: DatasetRoles;
  attribute: string | null;
  decision: DecisionRule;
  tab: string | null;
  demo: string | null;
}

type Meta = Pick<Project, 'id' | 'name' | 'created'> & { demo?: string };

const toBytes = (d: ArrayBuffer | Uint8Array): Uint8Array => (d instanceof Uint8Array ? d : new Uint8Array(d));

/** A scenario result as kept: without the model files (they can be made again by running it). */
function keptResult(result: unknown): unknown {
  if (!result || typeof result !== 'object') return result;
  const r = result as { artifacts?: { manifest: unknown; files: unknown } };
  return r.artifacts ? { ...r, artifacts: { ...r.artifacts, files: null } } : r;
}

export function useProject(options: {
  session: WorkbenchSession;
  view: ProjectView;
  apply: (v: RestoredView) => void;
  onBusy: (label: string | null) => void;
  onProblem: (p: Problem) => void;
  /** a demo's title, for a new project's name */
  demoTitle: (demo: string) => string;
}) {
  const { session } = options;
  const viewRef = useRef(options.view);
  viewRef.current = options.view;
  const opts = useRef(options);
  opts.current = options;
  const meta = useRef<Meta | null>(null);
  const [name, setName] = useState<string | null>(null);
  const [status, setStatus] = useState<SaveStatus>({ state: 'off' });
  const [list, setList] = useState<ProjectListing[]>([]);
  /** Mitigate & compare's state, for the dataset and model it belongs to */
  const compare = useRef<{ datasetId: string; modelId: string; value: ProjectCompare } | null>(null);
  /** the bytes already in the store for this project (so a save does not write them again) */
  const stored = useRef<{ dataHash: string | null; modelKey: string | null }>({ dataHash: null, modelKey: null });
  const pending = useRef<{ dataHash: string | null; modelKey: string | null } | null>(null);

  const store = useMemo(() => {
    const p = ProjectStore.open();
    p.catch((e: unknown) => setStatus({ state: 'failed', problem: storageProblem(e) }));
    return p;
  }, []);

  const refreshList = useCallback(() => {
    store.then((s) => s.list()).then(setList, () => undefined);
  }, [store]);

  /** The project document for what the page holds now. */
  const documentNow = useCallback((): Project | null => {
    const v = viewRef.current;
    const m = meta.current;
    if (!m || !v.dataset) return null;
    const step = session.loaded().model;
    const model: Project['model'] =
      !v.model || !step
        ? null
        : step.kind === 'scores'
          ? { kind: 'scores', column: step.column, scoreKind: step.scoreKind, fingerprint: v.model.fingerprint }
          : { kind: 'files', name: step.name, origin: step.origin, manifest: step.manifest, files: step.files.map((f) => entryName(f.name)), fingerprint: v.model.fingerprint };
    const c = compare.current;
    const p: Project = {
      format: 'bias-workbench.project/1',
      id: m.id,
      name: m.name,
      created: m.created,
      updated: new Date().toISOString(),
      ...(m.demo ? { demo: m.demo } : {}),
      dataset: { name: v.dataset.name, contentHash: v.dataset.contentHash, nRows: v.dataset.nRows, overrides: v.dataset.overrides },
      model,
      roles: v.roles,
      attribute: v.attribute,
      decision: v.decision,
      tab: v.tab,
      ...(c && v.model && c.datasetId === v.dataset.id && c.modelId === v.model.id ? { compare: c.value } : {}),
      ...(session.monitor.policy !== null || session.monitor.timeColumn !== null ? { monitor: { policy: session.monitor.policy, timeColumn: session.monitor.timeColumn } } : {}),
      ...(v.model ? { oversight: { store: OVERSIGHT_DB, fingerprint: v.model.fingerprint } } : {}),
    };
    return p;
  }, [session]);

  /** The bytes of the loaded data and model files. */
  const bytesNow = useCallback(async (): Promise<{ data: Uint8Array | null; modelFiles: { name: string; data: Uint8Array }[]; modelKey: string | null }> => {
    const { csv, model } = session.loaded();
    const data = csv ? await sourceBytes(csv.source) : null;
    const modelFiles = model?.kind === 'model' ? model.files.map((f) => ({ name: entryName(f.name), data: toBytes(f.data) })) : [];
    return { data, modelFiles, modelKey: model?.id ?? null };
  }, [session]);

  const collect = useCallback(async (): Promise<ProjectWrite | null> => {
    const project = documentNow();
    if (!project) return null;
    const w: ProjectWrite = { project };
    const hash = project.dataset?.contentHash ?? null;
    const { model } = session.loaded();
    const modelKey = model?.id ?? null;
    const needData = hash !== stored.current.dataHash;
    const needModel = modelKey !== stored.current.modelKey;
    if (needData || needModel) {
      const b = await bytesNow();
      if (needData) w.data = b.data && hash ? { hash, bytes: b.data } : null;
      if (needModel) w.model = b.modelFiles.length && modelKey ? { key: modelKey, files: b.modelFiles } : null;
    }
    pending.current = { dataHash: hash, modelKey };
    return w;
  }, [documentNow, bytesNow, session]);

  const autosave = useMemo(
    () =>
      new ProjectAutosave(store, () => collect(), (s) => {
        if (s.state === 'saved' && pending.current) {
          stored.current = pending.current;
          refreshList();
        }
        setStatus(s);
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store],
  );
  useEffect(() => () => autosave.dispose(), [autosave]);

  /** Point the address at the project, so a reload opens it. */
  const markAddress = useCallback((id: string) => {
    const url = new URL(window.location.href);
    url.search = `?project=${encodeURIComponent(id)}`;
    window.history.replaceState(null, '', url.href);
  }, []);

  // a dataset loaded with no project open starts one
  const v = options.view;
  useEffect(() => {
    if (!v.dataset || meta.current) return;
    const demo = v.demo ?? undefined;
    const m = newProjectMeta(demo ? opts.current.demoTitle(demo) : v.dataset.name);
    meta.current = { id: m.id, name: m.name, created: m.created, ...(demo ? { demo } : {}) };
    setName(m.name);
    markAddress(m.id);
  }, [v.dataset, v.demo, markAddress]);

  // save a moment after anything the project holds changes
  useEffect(() => {
    if (v.dataset && meta.current) autosave.schedule();
  }, [autosave, v.dataset, v.model, v.roles, v.attribute, v.decision, v.tab, name]);

  /** Load a project's data and model through the session, then show it. */
  const restore = useCallback(
    async (bundle: ProjectBundle, kept: { dataHash: string | null; modelKey: string | null } | null) => {
      const p = bundle.project;
      if (!p.dataset) throw new WorkbenchError('project-invalid', `The project '${p.name}' has no dataset yet, so there is nothing to open.`);
      if (!bundle.data) {
        throw new WorkbenchError(
          'project-invalid',
          `The project '${p.name}' was saved without its data (${p.dataset.name}).`,
          'Load that CSV in "Data & model" and set the roles again, or open a project file saved with "include the data".',
        );
      }
      opts.current.onBusy(`Opening project ${p.name}`);
      try {
        const ds = await session.loadCsv({ kind: 'bytes', bytes: bundle.data, name: p.dataset.name }, {});
        let summary = ds;
        for (const [column, type] of Object.entries(p.dataset.overrides)) summary = (await session.retype(ds.id, column, type)).summary;
        const roles = p.roles ?? summary.suggestedRoles;
        let model: ModelSummary | null = null;
        if (p.model?.kind === 'files') model = await session.loadModel(bundle.modelFiles, p.model.manifest, p.model.name, { fitDataset: ds.id });
        else if (p.model?.kind === 'scores') model = await session.useScoreColumn(ds.id, p.model.column, p.model.scoreKind, roles.target);
        compare.current = p.compare && model ? { datasetId: ds.id, modelId: model.id, value: p.compare } : null;
        if (p.monitor) {
          session.monitor.policy = p.monitor.policy;
          session.monitor.timeColumn = p.monitor.timeColumn;
        }
        meta.current = { id: p.id, name: p.name, created: p.created, ...(p.demo ? { demo: p.demo } : {}) };
        // bytes already kept under this id need no second write (the model's files now under the new load's id)
        const step = session.loaded().model;
        stored.current = kept ? { dataHash: kept.dataHash, modelKey: kept.modelKey !== null && step ? step.id : null } : { dataHash: null, modelKey: null };
        setName(p.name);
        markAddress(p.id);
        opts.current.apply({ dataset: summary, model, roles, attribute: p.attribute, decision: p.decision, tab: p.tab ?? null, demo: p.demo ?? null });
      } finally {
        opts.current.onBusy(null);
      }
    },
    [session, markAddress],
  );

  // on start: the project the address names
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('project');
    if (!id) {
      refreshList();
      return;
    }
    void (async () => {
      try {
        const s = await store;
        const kept = await s.load(id);
        if (!kept) throw new WorkbenchError('project-invalid', 'The project this address names is not kept in this browser (it was deleted, or saved in another browser).', 'Open it from its project file, or choose one from the list.');
        await restore(kept, { dataHash: kept.dataHash, modelKey: kept.modelKey });
      } catch (e) {
        opts.current.onProblem(e instanceof WorkbenchError ? e.toProblem() : storageProblem(e));
      } finally {
        refreshList();
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const rename = useCallback((n: string) => {
    if (!meta.current) return;
    meta.current = { ...meta.current, name: n };
    setName(n);
  }, []);

  /** Download the project as one file (the data in it or not). */
  const saveFile = useCallback(
    async (includeData: boolean) => {
      const project = documentNow();
      if (!project) return;
      const b = await bytesNow();
      const zip = encodeProject({ project, data: includeData ? b.data : null, modelFiles: b.modelFiles });
      const base = project.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'project';
      downloadFiles([{ name: `${base}.bias-workbench.zip`, data: zip }]);
    },
    [documentNow, bytesNow],
  );

  const openFile = useCallback(
    async (file: Blob) => {
      try {
        await autosave.flush();
        const bundle = decodeProject(new Uint8Array(await file.arrayBuffer()));
        await restore(bundle, null);
      } catch (e) {
        opts.current.onProblem(e instanceof WorkbenchError ? e.toProblem() : storageProblem(e));
      }
    },
    [restore, autosave],
  );

  /** Open a kept project: save this one first, then load the other through the address. */
  const openKept = useCallback(
    async (id: string) => {
      await autosave.flush();
      const url = new URL(window.location.href);
      url.search = `?project=${encodeURIComponent(id)}`;
      window.location.assign(url.href);
    },
    [autosave],
  );

  const remove = useCallback(
    async (id: string) => {
      try {
        await (await store).delete(id);
      } catch (e) {
        opts.current.onProblem(storageProblem(e));
      }
      refreshList();
    },
    [store, refreshList],
  );

  /** Mitigate & compare's saved state for this dataset and model (undefined: none kept). */
  const compareFor = useCallback((datasetId: string, modelId: string): ProjectCompare | undefined => {
    const c = compare.current;
    return c && c.datasetId === datasetId && c.modelId === modelId ? c.value : undefined;
  }, []);

  const onCompare = useCallback(
    (datasetId: string, modelId: string, value: ProjectCompare) => {
      const kept = { ...value, scenarios: value.scenarios.map((s) => (s.result ? { ...s, result: keptResult(s.result) } : s)) };
      compare.current = { datasetId, modelId, value: kept };
      if (meta.current) autosave.schedule();
    },
    [autosave],
  );

  return { id: meta.current?.id ?? null, name, status, list, rename, saveFile, openFile, openKept, remove, compareFor, onCompare };
}
