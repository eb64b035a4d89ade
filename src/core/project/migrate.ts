/**
 * The migration rule for project documents. A document names its format version
 * (`bias-workbench.project/N`). This version reads every version up to PROJECT_VERSION: each
 * older version N has one step in STEPS that turns an N document into an N+1 document (new
 * fields get the value that keeps the old meaning), applied in order. A newer version is
 * refused with a sentence, never read in part: its fields may change what the numbers mean.
 */
import { WorkbenchError } from '../errors';
import { isObject, show } from '../manifest/json-checks';
import { PROJECT_VERSION } from './types';

const FORMAT_RE = /^bias-workbench\.project\/(\d+)$/;
const HINT = 'A project file is the .zip that "Save project" writes; its project.json names the format "bias-workbench.project/1".';

/** Steps from version N (the key) to N+1. Version 1 is the first: nothing to migrate yet. */
const STEPS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

/** The format version a project document declares; refuses what is not a project file's JSON. */
export function projectVersion(json: unknown): number {
  if (!isObject(json)) throw new WorkbenchError('project-invalid', `A project must be a JSON object, not ${show(json)}.`, HINT);
  const m = typeof json.format === 'string' ? FORMAT_RE.exec(json.format) : null;
  if (!m) throw new WorkbenchError('project-invalid', `This is not a Bias Workbench project: its format is ${show(json.format)}, not "bias-workbench.project/1".`, HINT);
  return Number(m[1]);
}

/**
 * The document as the current version reads it: older versions migrated step by step, the
 * current one returned as it is (a copy), a newer one refused.
 */
export function migrateProject(json: unknown): Record<string, unknown> {
  const version = projectVersion(json);
  if (version > PROJECT_VERSION) {
    throw new WorkbenchError(
      'project-invalid',
      `This project was saved by a newer Bias Workbench (format ${version}); this one reads projects up to format ${PROJECT_VERSION}.`,
      'Open it with the newer version of the workbench, or update this one.',
    );
  }
  if (version < 1) throw new WorkbenchError('project-invalid', `Project format ${version} does not exist; formats start at 1.`, HINT);
  let doc = { ...(json as Record<string, unknown>) };
  for (let v = version; v < PROJECT_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new WorkbenchError('internal', `No migration from project format ${v} to ${v + 1}.`);
    doc = { ...step(doc), format: `bias-workbench.project/${v + 1}` };
  }
  return doc;
}
