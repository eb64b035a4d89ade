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
import { ProjectAutosave, ProjectStore, createProjectFiles, newProjectMeta, sourceBytes, storageProblem, type ProjectListing, type ProjectWrite, type SaveStatus } from '../client/projects';
import { problemOf } from '../client/bridge';
import { WorkbenchError, type Problem } from '../core/errors';
import { entryName, type DataPreview, type Project, type ProjectBundle, type ProjectCompare } from '../core/project';
import type { IdentifierAction, IdentifierFinding } from '../core/anonymise';
import type { DatasetRoles } from '../core/roles';
import type { DecisionRule } from '../core/metrics';
import type { DatasetSummary, ModelSummary, TrainEpoch } from '../../workers/workbench.worker';
import { downloadFiles } from './download';
import { Comlink } from '../client/bridge';

/** What the page holds that a project keeps. */
export interface ProjectView {
  dataset: DatasetSummary | null;
  model: ModelSummary | null;
  roles: DatasetRoles | null;
  attribute: string | null;
  decision: DecisionRule;
  tab: string;
  demo: string | null;
  /** a model trained here: its epochs */
  history: TrainEpoch[];
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
  history: TrainEpoch[];
}

/** The panels' own settings a project keeps (each as its panel gave it; see the panels' `saved` props). */
export interface PanelBags {
  audit?: Record<string, unknown>;
  explain?: Record<string, unknown>;
  simulate?: Record<string, unknown>;
  workshop?: unknown[];
}

/** A project opened without its data: the CSV it waits for (matched by SHA-256). */
export interface WantedData {
  project: string;
  name: string;
  contentHash: string;
}

/** Save project, with the data: what anonymising it would remove, shown before the file is made. */
export interface SavePreview extends DataPreview {
  name: string;
}

/** Training history kept only while small (a long MLP run is left out: the model is what matters). */
const MAX_HISTORY = 500;

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
  /** the other panels' settings, as they last told them */
  const bags = useRef<PanelBags>({});
  /** counts restores: panels that are not remounted by a new dataset (Simulate, Workshop) are keyed by it */
  const [restored, setRestored] = useState(0);
  /** a project opened without its data, waiting for the CSV */
  const [wanted, setWanted] = useState<(WantedData & { bundle: ProjectBundle }) | null>(null);
  /** Save project with the data: the preview the person confirms */
  const [preview, setPreview] = useState<SavePreview | null>(null);
  /** the bytes already in the store for this project (so a save does not write them again) */
  const stored = useRef<{ dataHash: string | null; modelKey: string | null; monitorHash: string | null }>({ dataHash: null, modelKey: null, monitorHash: null });
  const pending = useRef<{ dataHash: string | null; modelKey: string | null; monitorHash: string | null } | null>(null);
  /** zips, hashes and anonymisation, off the main thread */
  const files = useMemo(() => createProjectFiles(), []);
  useEffect(() => () => files.dispose(), [files]);

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
    const history = step?.kind === 'model' && step.origin === 'trained' && v.history.length > 0 && v.history.length <= MAX_HISTORY ? { history: v.history } : {};
    const model: Project['model'] =
      !v.model || !step
        ? null
        : step.kind === 'scores'
          ? { kind: 'scores', column: step.column, scoreKind: step.scoreKind, fingerprint: v.model.fingerprint }
          : { kind: 'files', name: step.name, origin: step.origin, manifest: step.manifest, files: step.files.map((f) => entryName(f.name)), fingerprint: v.model.fingerprint, ...history };
    const c = compare.current;
    const mon = session.monitor;
    const monitorDataset = mon.current ? { dataset: { name: mon.current.name, contentHash: mon.current.contentHash, nRows: mon.current.nRows, overrides: {} } } : {};
    const b = bags.current;
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
      ...(b.audit ? { audit: b.audit } : {}),
      ...(b.explain ? { explain: b.explain } : {}),
      ...(c && v.model && c.datasetId === v.dataset.id && c.modelId === v.model.id ? { compare: c.value } : {}),
      ...(mon.policy !== null || mon.timeColumn !== null || mon.current ? { monitor: { policy: mon.policy, timeColumn: mon.timeColumn, ...monitorDataset } } : {}),
      ...(b.simulate ? { simulate: b.simulate } : {}),
      ...(b.workshop?.length ? { workshop: b.workshop } : {}),
      ...(v.model ? { oversight: { store: OVERSIGHT_DB, fingerprint: v.model.fingerprint } } : {}),
    };
    return p;
  }, [session]);

  /** The bytes of the loaded data, model files and Monitor data. */
  const bytesNow = useCallback(async (): Promise<{ data: Uint8Array | null; modelFiles: { name: string; data: Uint8Array }[]; monitorData: Uint8Array | null }> => {
    const { csv, model, monitor } = session.loaded();
    const data = csv ? await sourceBytes(csv.source) : null;
    const monitorData = monitor ? await sourceBytes(monitor.source) : null;
    const modelFiles = model?.kind === 'model' ? model.files.map((f) => ({ name: entryName(f.name), data: toBytes(f.data) })) : [];
    return { data, modelFiles, monitorData };
  }, [session]);

  const collect = useCallback(async (): Promise<ProjectWrite | null> => {
    const project = documentNow();
    if (!project) return null;
    const w: ProjectWrite = { project };
    const hash = project.dataset?.contentHash ?? null;
    const monitorHash = project.monitor?.dataset?.contentHash ?? null;
    const { model } = session.loaded();
    const modelKey = model?.id ?? null;
    const needData = hash !== stored.current.dataHash;
    const needModel = modelKey !== stored.current.modelKey;
    const needMonitor = monitorHash !== stored.current.monitorHash;
    if (needData || needModel || needMonitor) {
      const b = await bytesNow();
      if (needData) w.data = b.data && hash ? { hash, bytes: b.data } : null;
      if (needModel) w.model = b.modelFiles.length && modelKey ? { key: modelKey, files: b.modelFiles } : null;
      if (needMonitor) w.monitorData = b.monitorData && monitorHash ? { hash: monitorHash, bytes: b.monitorData } : null;
    }
    pending.current = { dataHash: hash, modelKey, monitorHash };
    return w;
  }, [documentNow, bytesNow, session]);

  /** Point the address at the project, so a reload opens it. */
  const markAddress = useCallback((id: string) => {
    const url = new URL(window.location.href);
    url.search = `?project=${encodeURIComponent(id)}`;
    window.history.replaceState(null, '', url.href);
  }, []);
  /**
   * A project started here whose address waits for its first save: until it is kept, a reload
   * must open what the address opened before (e.g. ?demo=bank), not a project this browser does
   * not hold yet.
   */
  const addressAfterSave = useRef<string | null>(null);

  const autosave = useMemo(
    () =>
      new ProjectAutosave(store, () => collect(), (s) => {
        if (s.state === 'saved' && pending.current) {
          stored.current = pending.current;
          refreshList();
        }
        if (s.state === 'saved' && addressAfterSave.current && addressAfterSave.current === meta.current?.id) {
          markAddress(addressAfterSave.current);
          addressAfterSave.current = null;
        }
        setStatus(s);
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store],
  );
  useEffect(() => () => autosave.dispose(), [autosave]);

  // a dataset loaded with no project open starts one
  const v = options.view;
  useEffect(() => {
    if (!v.dataset || meta.current) return;
    const demo = v.demo ?? undefined;
    const m = newProjectMeta(demo ? opts.current.demoTitle(demo) : v.dataset.name);
    meta.current = { id: m.id, name: m.name, created: m.created, ...(demo ? { demo } : {}) };
    setName(m.name);
    addressAfterSave.current = m.id;
  }, [v.dataset, v.demo]);

  // save a moment after anything the project holds changes
  useEffect(() => {
    if (v.dataset && meta.current) autosave.schedule();
  }, [autosave, v.dataset, v.model, v.roles, v.attribute, v.decision, v.tab, v.history, name]);

  /** Load a project's data and model through the session, then show it. */
  const restore = useCallback(
    async (bundle: ProjectBundle, kept: { dataHash: string | null; modelKey: string | null; monitorHash: string | null } | null) => {
      const p = bundle.project;
      if (!p.dataset) throw new WorkbenchError('project-invalid', `The project '${p.name}' has no dataset yet, so there is nothing to open.`);
      if (!bundle.data) {
        // saved without its data: ask for the CSV, and open the project once the right one is given
        setWanted({ project: p.name, name: p.dataset.name, contentHash: p.dataset.contentHash, bundle });
        return;
      }
      setWanted(null);
      opts.current.onBusy(`Opening project ${p.name}`);
      try {
        const ds = await session.loadCsv({ kind: 'bytes', bytes: bundle.data, name: p.dataset.name }, {});
        let summary = ds;
        for (const [column, type] of Object.entries(p.dataset.overrides)) summary = (await session.retype(ds.id, column, type)).summary;
        const roles = p.roles ?? summary.suggestedRoles;
        let model: ModelSummary | null = null;
        if (p.model?.kind === 'files') model = await session.loadModel(bundle.modelFiles, p.model.manifest, p.model.name, { fitDataset: ds.id, origin: p.model.origin });
        else if (p.model?.kind === 'scores') model = await session.useScoreColumn(ds.id, p.model.column, p.model.scoreKind, roles.target);
        compare.current = p.compare && model ? { datasetId: ds.id, modelId: model.id, value: p.compare } : null;
        bags.current = { ...(p.audit ? { audit: p.audit } : {}), ...(p.explain ? { explain: p.explain } : {}), ...(p.simulate ? { simulate: p.simulate } : {}), ...(p.workshop ? { workshop: p.workshop } : {}) };
        if (p.monitor) {
          session.monitor.policy = p.monitor.policy;
          session.monitor.timeColumn = p.monitor.timeColumn;
          if (p.monitor.dataset && bundle.monitorData) await session.loadMonitorCsv({ kind: 'bytes', bytes: bundle.monitorData, name: p.monitor.dataset.name });
        }
        meta.current = { id: p.id, name: p.name, created: p.created, ...(p.demo ? { demo: p.demo } : {}) };
        // bytes already kept under this id need no second write (the model's files now under the new load's id)
        const step = session.loaded().model;
        stored.current = kept ? { dataHash: kept.dataHash, modelKey: kept.modelKey !== null && step ? step.id : null, monitorHash: kept.monitorHash } : { dataHash: null, modelKey: null, monitorHash: null };
        setName(p.name);
        markAddress(p.id);
        setRestored((n) => n + 1);
        const history = p.model?.kind === 'files' && p.model.history ? (p.model.history as TrainEpoch[]) : [];
        opts.current.apply({ dataset: summary, model, roles, attribute: p.attribute, decision: p.decision, tab: p.tab ?? null, demo: p.demo ?? null, history });
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
        await restore(kept, { dataHash: kept.dataHash, modelKey: kept.modelKey, monitorHash: kept.monitorHash });
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

  /** The file name a project is saved under. */
  const fileName = (project: Project) => `${project.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'project'}.bias-workbench.zip`;

  /**
   * Save project. Without the data: the file is made at once (the document names columns but
   * holds no row; workshop results, whose lead ids come from the data, are left out when the
   * data has identifier-like columns). With the data: first the identifier-like columns it would carry are shown
   * (`preview`), and the file is made when the person confirms ({@link confirmSave}).
   */
  const saveFile = useCallback(
    async (includeData: boolean) => {
      const project = documentNow();
      if (!project) return;
      const b = await bytesNow();
      if (includeData && b.data) {
        const found = await files.call(undefined, (api) => api.preview(project, b.data!));
        setPreview({ name: fileName(project), ...found });
        return;
      }
      // without the data the document holds no row, except the workshop results' lead ids: left out when the data has an id column
      const { workshop, ...rest } = project;
      const idsInData = Boolean(workshop?.length && b.data && (await files.call(undefined, (api) => api.preview(project, b.data!))).findings.length);
      const doc = workshop && !idsInData ? { ...rest, workshop } : rest;
      const zip = await files.call(undefined, (api) => api.encode({ project: doc, data: null, modelFiles: b.modelFiles, monitorData: null }));
      downloadFiles([{ name: fileName(project), data: zip }]);
    },
    [documentNow, bytesNow, files],
  );

  /** Make the file with the data, the flagged columns dropped or pseudonymised as chosen (`null`: the person cancelled). */
  const confirmSave = useCallback(
    async (action: IdentifierAction | null, findings: IdentifierFinding[]) => {
      setPreview(null);
      if (action === null) return;
      const project = documentNow();
      if (!project) return;
      const b = await bytesNow();
      // the Monitor tab's data and the workshop results (their lead ids come from the data's id
      // column) are not anonymised here: when columns are removed from the dataset, they are left out
      const flagged = findings.length > 0;
      const monitorData = flagged ? null : b.monitorData;
      const { workshop, ...rest } = project;
      const withWorkshop = flagged || !workshop ? rest : { ...rest, workshop };
      const kept = monitorData || !project.monitor ? withWorkshop : { ...withWorkshop, monitor: { policy: project.monitor.policy, timeColumn: project.monitor.timeColumn } };
      const out = await files.call(undefined, (api) => api.encodeAnonymised({ project: kept, data: b.data, modelFiles: b.modelFiles, monitorData }, findings, action));
      downloadFiles([{ name: fileName(project), data: out.zip }]);
    },
    [documentNow, bytesNow, files],
  );

  const openFile = useCallback(
    async (file: Blob) => {
      try {
        await autosave.flush();
        const bytes = new Uint8Array(await file.arrayBuffer());
        const bundle = await files.call(undefined, (api) => api.decode(Comlink.transfer(bytes, [bytes.buffer])));
        await restore(bundle, null);
      } catch (e) {
        opts.current.onProblem(e instanceof WorkbenchError ? e.toProblem() : problemOf(e));
      }
    },
    [restore, autosave, files],
  );

  /** The CSV a project saved without its data asks for: opened when its SHA-256 is the recorded one. */
  const giveData = useCallback(
    async (file: Blob) => {
      const w = wanted;
      if (!w) return;
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const hash = await files.call(undefined, (api) => api.hash(bytes));
        if (hash !== w.contentHash) {
          opts.current.onProblem({
            code: 'project-invalid',
            message: `This file is not the data the project '${w.project}' was made on: its SHA-256 is ${hash.slice(0, 12)}…, the project's ${w.name} has ${w.contentHash.slice(0, 12)}….`,
            hint: `Choose the same ${w.name} as it was when the project was saved (an edited or re-exported copy differs).`,
          });
          return;
        }
        await restore({ ...w.bundle, data: bytes }, null);
      } catch (e) {
        opts.current.onProblem(e instanceof WorkbenchError ? e.toProblem() : problemOf(e));
      }
    },
    [wanted, files, restore],
  );
  const cancelWanted = useCallback(() => setWanted(null), []);

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

  /**
   * A panel's kept settings, for the panel mounted under `mount` (its React key): the same
   * object for as long as that mount lives, so a memoised panel is not re-rendered each time
   * its own settings are kept (it reads them only when it mounts).
   */
  const mounts = useRef(new Map<string, unknown>());
  const panelSaved = useCallback(<K extends keyof PanelBags>(key: K, mount: string): PanelBags[K] => {
    const at = `${key} ${mount}`;
    if (!mounts.current.has(at)) {
      for (const k of mounts.current.keys()) if (k.startsWith(`${key} `)) mounts.current.delete(k);
      mounts.current.set(at, bags.current[key]);
    }
    return mounts.current.get(at) as PanelBags[K];
  }, []);
  /** Stable handlers the panels call with their settings as they change. */
  const onPanel = useMemo(() => {
    const keep =
      <K extends keyof PanelBags>(key: K) =>
      (value: NonNullable<PanelBags[K]>) => {
        if (JSON.stringify(bags.current[key]) === JSON.stringify(value)) return;
        bags.current = { ...bags.current, [key]: value };
        if (meta.current) autosave.schedule();
      };
    /** the Monitor tab keeps its state in session.monitor: it only says when it changed */
    const monitor = () => {
      if (meta.current) autosave.schedule();
    };
    return { audit: keep('audit'), explain: keep('explain'), simulate: keep('simulate'), workshop: keep('workshop'), monitor };
  }, [autosave]);

  return {
    id: meta.current?.id ?? null,
    name,
    status,
    list,
    restored,
    wanted: wanted ? { project: wanted.project, name: wanted.name, contentHash: wanted.contentHash } : null,
    preview,
    rename,
    saveFile,
    confirmSave,
    openFile,
    giveData,
    cancelWanted,
    openKept,
    remove,
    compareFor,
    onCompare,
    panelSaved,
    onPanel,
  };
}
