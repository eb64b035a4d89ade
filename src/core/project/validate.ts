/**
 * Checks a project document (after migration) and returns it typed. Every problem is named by
 * its path (`roles.protected[0].cuts must be an array of numbers`); the first three are shown.
 * Unknown top-level fields are refused with the nearest known name, so a typo never silently
 * drops a setting; `x-` and `_` fields are left for other tools.
 */
import { WorkbenchError } from '../errors';
import { isExtensionKey, isObject, show, suggest } from '../manifest/json-checks';
import { validateScenarios } from '../mitigate/scenario-spec';
import { migrateProject } from './migrate';
import { PROJECT_FORMAT, type Project, type ProjectCompare, type ProjectDataset, type ProjectModel } from './types';

type Bad = (problem: string) => void;

const HINT = 'The project file may have been edited or cut short: save the project again from the workbench.';
const TOP_KEYS = new Set(['format', 'id', 'name', 'created', 'updated', 'demo', 'dataset', 'model', 'roles', 'attribute', 'decision', 'tab', 'audit', 'explain', 'compare', 'monitor', 'simulate', 'workshop', 'oversight']);
const COLUMN_TYPES = new Set(['numeric', 'categorical', 'boolean']);

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function text(o: Record<string, unknown>, key: string, path: string, bad: Bad): string {
  const v = o[key];
  if (!isText(v)) bad(`${path}.${key} must be a non-empty string, not ${show(v)}`);
  return isText(v) ? v : '';
}

function texts(v: unknown, path: string, bad: Bad): string[] {
  if (!Array.isArray(v) || !v.every(isText)) {
    bad(`${path} must be an array of column names, not ${show(v)}`);
    return [];
  }
  return v;
}

function readDataset(v: unknown, bad: Bad): ProjectDataset | null {
  if (v === null) return null;
  if (!isObject(v)) {
    bad(`dataset must be an object {name, contentHash, nRows, overrides} or null, not ${show(v)}`);
    return null;
  }
  const name = text(v, 'name', 'dataset', bad);
  const contentHash = text(v, 'contentHash', 'dataset', bad);
  if (!Number.isInteger(v.nRows) || (v.nRows as number) < 0) bad(`dataset.nRows must be a count of rows, not ${show(v.nRows)}`);
  const overrides: ProjectDataset['overrides'] = {};
  if (v.overrides !== undefined && !isObject(v.overrides)) bad(`dataset.overrides must be an object {column: type}, not ${show(v.overrides)}`);
  else
    for (const [column, type] of Object.entries((v.overrides as Record<string, unknown> | undefined) ?? {})) {
      if (typeof type === 'string' && COLUMN_TYPES.has(type)) overrides[column] = type as ProjectDataset['overrides'][string];
      else bad(`dataset.overrides.${column} must be one of numeric, categorical, boolean, not ${show(type)}`);
    }
  return { name, contentHash, nRows: Number(v.nRows), overrides };
}

function readModel(v: unknown, bad: Bad): ProjectModel | null {
  if (v === null) return null;
  if (!isObject(v)) {
    bad(`model must be an object or null, not ${show(v)}`);
    return null;
  }
  const fingerprint = v.fingerprint === undefined || v.fingerprint === null ? null : typeof v.fingerprint === 'string' ? v.fingerprint : (bad(`model.fingerprint must be a string or null, not ${show(v.fingerprint)}`), null);
  if (v.kind === 'scores') {
    const column = text(v, 'column', 'model', bad);
    if (v.scoreKind !== 'score' && v.scoreKind !== 'decision') bad(`model.scoreKind must be "score" or "decision", not ${show(v.scoreKind)}`);
    return { kind: 'scores', column, scoreKind: v.scoreKind === 'decision' ? 'decision' : 'score', fingerprint };
  }
  if (v.kind !== 'files') {
    bad(`model.kind must be "files" or "scores", not ${show(v.kind)}`);
    return null;
  }
  const name = text(v, 'name', 'model', bad);
  if (v.origin !== 'imported' && v.origin !== 'trained') bad(`model.origin must be "imported" or "trained", not ${show(v.origin)}`);
  if (!isObject(v.manifest)) bad(`model.manifest must be the model's manifest (an object), not ${show(v.manifest)}`);
  const files = texts(v.files, 'model.files', bad);
  if (files.length === 0) bad('model.files must name at least one file');
  for (const f of files) if (f.includes('/') || f.includes('\\') || f === '..') bad(`model.files: ${show(f)} must be a plain file name`);
  const model: ProjectModel = { kind: 'files', name, origin: v.origin === 'trained' ? 'trained' : 'imported', manifest: v.manifest, files, fingerprint };
  if (v.history !== undefined) {
    if (Array.isArray(v.history) && v.history.every(isObject)) model.history = v.history;
    else bad(`model.history must be an array of epochs, not ${show(v.history)}`);
  }
  return model;
}

function readRoles(v: unknown, bad: Bad): Project['roles'] {
  if (v === null) return null;
  if (!isObject(v)) {
    bad(`roles must be an object {target, protected, features, ignored} or null, not ${show(v)}`);
    return null;
  }
  const target = isObject(v.target) ? { column: text(v.target, 'column', 'roles.target', bad), positive: typeof v.target.positive === 'string' ? v.target.positive : (bad(`roles.target.positive must be a string, not ${show(v.target.positive)}`), '') } : (bad(`roles.target must be {column, positive}, not ${show(v.target)}`), { column: '', positive: '' });
  const prot: NonNullable<Project['roles']>['protected'] = [];
  if (!Array.isArray(v.protected)) bad(`roles.protected must be an array, not ${show(v.protected)}`);
  else
    v.protected.forEach((p: unknown, i: number) => {
      const at = `roles.protected[${i}]`;
      if (!isObject(p)) return bad(`${at} must be {column, cuts?}, not ${show(p)}`);
      const column = text(p, 'column', at, bad);
      if (p.cuts === undefined) return prot.push({ column });
      if (!Array.isArray(p.cuts) || !p.cuts.every(isNumber)) return bad(`${at}.cuts must be an array of numbers, not ${show(p.cuts)}`);
      prot.push({ column, cuts: p.cuts });
    });
  const roles: NonNullable<Project['roles']> = { target, protected: prot, features: texts(v.features, 'roles.features', bad), ignored: texts(v.ignored, 'roles.ignored', bad) };
  if (v.weight !== undefined) roles.weight = text(v, 'weight', 'roles', bad);
  return roles;
}

function readDecision(v: unknown, bad: Bad): Project['decision'] {
  const fallback = { rule: 'threshold' as const, threshold: 0.5 };
  if (!isObject(v)) return (bad(`decision must be a rule {rule, ...}, not ${show(v)}`), fallback);
  if (v.rule === 'threshold' && isNumber(v.threshold)) return { rule: 'threshold', threshold: v.threshold };
  if (v.rule === 'top-k' && Number.isInteger(v.k) && (v.k as number) >= 1) return { rule: 'top-k', k: v.k as number };
  if (v.rule === 'top-percent' && isNumber(v.percent) && v.percent > 0 && v.percent <= 100) return { rule: 'top-percent', percent: v.percent };
  bad(`decision must be {rule: "threshold", threshold}, {rule: "top-k", k ≥ 1} or {rule: "top-percent", percent in (0, 100]}, not ${show(v)}`);
  return fallback;
}

function readCompare(v: unknown, bad: Bad): ProjectCompare | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) return (bad(`compare must be an object, not ${show(v)}`), undefined);
  if (v.retrainKind !== 'logistic' && v.retrainKind !== 'mlp') bad(`compare.retrainKind must be "logistic" or "mlp", not ${show(v.retrainKind)}`);
  if (!Number.isInteger(v.epochs) || (v.epochs as number) < 1) bad(`compare.epochs must be a whole number ≥ 1, not ${show(v.epochs)}`);
  if (!Number.isInteger(v.seed)) bad(`compare.seed must be a whole number, not ${show(v.seed)}`);
  const list = Array.isArray(v.scenarios) ? v.scenarios : (bad(`compare.scenarios must be an array, not ${show(v.scenarios)}`), []);
  const scenarios: ProjectCompare['scenarios'] = [];
  list.forEach((s: unknown, i: number) => {
    const at = `compare.scenarios[${i}]`;
    if (!isObject(s)) return bad(`${at} must be {scenario, base, result?}, not ${show(s)}`);
    if (s.base !== 'audited' && s.base !== 'retrained') bad(`${at}.base must be "audited" or "retrained", not ${show(s.base)}`);
    try {
      const [scenario] = validateScenarios([s.scenario]);
      scenarios.push({ scenario, base: s.base === 'audited' ? 'audited' : 'retrained', ...(isObject(s.result) ? { result: s.result } : {}), ...(typeof s.settings === 'string' ? { settings: s.settings } : {}) });
    } catch (e) {
      bad(`${at}.scenario: ${(e as Error).message.replace(/scenarios\[0\]\.?/g, '')}`);
    }
  });
  return { retrainKind: v.retrainKind === 'logistic' ? 'logistic' : 'mlp', epochs: Number(v.epochs), seed: Number(v.seed), parity: typeof v.parity === 'string' ? v.parity : 'demographicParityDifference', scenarios };
}

function optBag(json: Record<string, unknown>, key: string, bad: Bad): Record<string, unknown> | undefined {
  const v = json[key];
  if (v === undefined) return undefined;
  if (!isObject(v)) return (bad(`${key} must be an object, not ${show(v)}`), undefined);
  return v;
}

/** Check a project document of any readable version; returns the current version, typed. */
export function validateProject(json: unknown): Project {
  const doc = migrateProject(json);
  const problems: string[] = [];
  const bad: Bad = (p) => void problems.push(p);
  for (const k of Object.keys(doc)) if (!isExtensionKey(k) && !TOP_KEYS.has(k)) bad(`${k} is not a project field${suggest(k, TOP_KEYS)}`);
  const id = text(doc, 'id', 'project', bad);
  const name = text(doc, 'name', 'project', bad);
  for (const k of ['created', 'updated']) if (typeof doc[k] !== 'string' || Number.isNaN(Date.parse(doc[k] as string))) bad(`${k} must be an ISO date, not ${show(doc[k])}`);
  for (const k of ['dataset', 'model', 'roles', 'attribute', 'decision']) if (!(k in doc)) bad(`${k} is missing (null when not set)`);
  if (doc.attribute !== null && doc.attribute !== undefined && !isText(doc.attribute)) bad(`attribute must be a name or null, not ${show(doc.attribute)}`);
  const project: Project = {
    format: PROJECT_FORMAT,
    id,
    name,
    created: String(doc.created),
    updated: String(doc.updated),
    dataset: readDataset(doc.dataset ?? null, bad),
    model: readModel(doc.model ?? null, bad),
    roles: readRoles(doc.roles ?? null, bad),
    attribute: isText(doc.attribute) ? doc.attribute : null,
    decision: readDecision(doc.decision, bad),
  };
  if (doc.demo !== undefined) project.demo = text(doc, 'demo', 'project', bad);
  if (doc.tab !== undefined) project.tab = text(doc, 'tab', 'project', bad);
  const compare = readCompare(doc.compare, bad);
  if (compare) project.compare = compare;
  for (const k of ['audit', 'explain', 'simulate'] as const) {
    const bag = optBag(doc, k, bad);
    if (bag) project[k] = bag;
  }
  if (doc.monitor !== undefined) {
    const m = doc.monitor;
    if (!isObject(m) || (m.policy !== null && typeof m.policy !== 'string') || (m.timeColumn !== null && typeof m.timeColumn !== 'string')) bad(`monitor must be {policy: text or null, timeColumn: name or null, dataset?}, not ${show(m)}`);
    else {
      project.monitor = { policy: m.policy as string | null, timeColumn: m.timeColumn as string | null };
      if (m.dataset !== undefined) {
        const ds = readDataset(m.dataset, (p) => bad(`monitor.${p}`));
        if (ds) project.monitor.dataset = ds;
      }
    }
  }
  if (doc.workshop !== undefined) {
    if (Array.isArray(doc.workshop)) project.workshop = doc.workshop;
    else bad(`workshop must be an array of workshop results, not ${show(doc.workshop)}`);
  }
  if (doc.oversight !== undefined) {
    const o = doc.oversight;
    if (!isObject(o) || !isText(o.store) || (o.fingerprint !== null && typeof o.fingerprint !== 'string')) bad(`oversight must be {store, fingerprint}, not ${show(o)}`);
    else project.oversight = { store: o.store, fingerprint: o.fingerprint as string | null };
  }
  if (project.model?.kind === 'scores' && !project.dataset) bad('model: a score column needs the dataset it is read from (dataset is null)');
  if (problems.length > 0) {
    throw new WorkbenchError('project-invalid', `The project is not valid: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}.`, HINT);
  }
  return project;
}
