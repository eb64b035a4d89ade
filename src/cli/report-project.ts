/**
 * `bias-workbench report --project FILE`: a project file saved by the page (core/project's
 * zip) read as the report's inputs. The zip is read with core's decodeProject (the document
 * checked and migrated, the data's SHA-256 checked against the one recorded), then its data,
 * model files, manifest and policy are written to a private temporary folder and the project's
 * settings become the flags the report reads anyway (roles, bins, weight, decision rule,
 * minimum group size, bootstrap, intersections). Flags given on the command line after
 * `--project` win over the project's own, so `--threshold 0.4` reports at another threshold.
 *
 * A project saved without its data cannot be reported on from the file alone: that is refused
 * with what to do (save it again with "include the data", or give the CSV with the usual flags).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { WorkbenchError } from '../core/errors';
import { decodeProject, entryName, type Project } from '../core/project';
import { retypeColumn } from '../core/csv/retype';
import type { ColumnTable, ColumnType } from '../core/table';
import { UsageError } from './flags';

/** Flags that name the data or the model: a project file holds those itself. */
const FILE_FLAGS = ['--data', '--model', '--manifest', '--score'];
const RULE_FLAGS = ['--threshold', '--top-k', '--top-percent'];

/** The report's arguments for a project file, and what the report needs besides them. */
export interface ProjectArgs {
  /** the arguments the report reads, as if given by hand (the project's first, then the person's) */
  args: string[];
  /** column → type the person chose in the page, applied after the CSV is read */
  overrides: Record<string, ColumnType>;
  /** the project file's name, for provenance (`FILE:model/model.json`) */
  file: string;
  /** how the data is named in the report's provenance: `FILE:data/<name>` */
  dataLabel: string;
  /** the command as the person typed it, for the reproducibility section */
  command: string[];
  /** removes the temporary folder */
  cleanup: () => void;
}

/** A flag the person gave themselves (`--x` or `--x=v`). */
const gave = (args: readonly string[], flag: string): boolean => args.some((a) => a === flag || a.startsWith(`${flag}=`));

/**
 * The project's settings as report flags; a flag the person gave wins (the project's is left
 * out, since a flag may be given once), and their --protected replaces the project's bins too.
 */
function settingsArgs(project: Project, paths: { data: string; model: string | null; manifest: string | null; policy: string | null }, own: readonly string[]): string[] {
  const roles = project.roles!;
  const out = ['--data', paths.data];
  const put = (flag: string, value?: string) => {
    if (!gave(own, flag)) out.push(flag, ...(value === undefined ? [] : [value]));
  };
  put('--target', roles.target.column);
  put('--positive', roles.target.positive);
  put('--protected', roles.protected.map((p) => p.column).join(','));
  if (!gave(own, '--protected') && !gave(own, '--bins')) for (const p of roles.protected) if (p.cuts?.length) out.push('--bins', `${p.column}=${p.cuts.join(',')}`);
  if (roles.weight) put('--weight', roles.weight);
  if (paths.model && paths.manifest) out.push('--model', paths.model, '--manifest', paths.manifest);
  else if (project.model?.kind === 'scores') out.push('--score', project.model.column);
  if (!RULE_FLAGS.some((f) => gave(own, f))) {
    const d = project.decision;
    if (d.rule === 'threshold') out.push('--threshold', String(d.threshold));
    else if (d.rule === 'top-k') out.push('--top-k', String(d.k));
    else out.push('--top-percent', String(d.percent));
  }
  const minGroup = project.audit?.minGroupSize;
  if (Number.isInteger(minGroup) && (minGroup as number) >= 1) put('--min-group-size', String(minGroup));
  const resamples = project.audit?.resamples;
  if (Number.isInteger(resamples) && (resamples as number) >= 0) put('--bootstrap', String(resamples));
  if (project.audit?.intersections === true) put('--intersections');
  if (paths.policy) put('--policy', paths.policy);
  return out;
}

/**
 * Read the project file and turn it into the report's arguments. `rest` is the command line
 * without `--project FILE`. Refuses a project without its data, roles or model with a sentence.
 */
export async function projectArgs(projectPath: string, rest: readonly string[]): Promise<ProjectArgs> {
  const given = FILE_FLAGS.filter((f) => gave(rest, f));
  if (given.length) throw new UsageError(`--project holds the data and the model: give it without ${given.join(', ')}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(projectPath));
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    throw new WorkbenchError('project-invalid', `cannot read the project file ${projectPath}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`, 'Pass the .zip that "Save project" wrote in the page.');
  }
  const bundle = decodeProject(bytes);
  const { project, data, modelFiles } = bundle;
  const file = basename(projectPath);
  if (!project.dataset) throw new WorkbenchError('project-invalid', `The project '${project.name}' (${file}) has no dataset yet, so there is nothing to report on.`, 'Load data in the page, then save the project again.');
  if (!data) {
    throw new WorkbenchError(
      'project-invalid',
      `The project file ${file} was saved without its data (${project.dataset.name}), so the report cannot be made from it alone.`,
      `Save the project again with "include the data", or give the CSV with the usual flags: bias-workbench report --data ${project.dataset.name} --model ... --target ... --positive ... --protected ...`,
    );
  }
  if (!project.roles || project.roles.protected.length === 0) throw new WorkbenchError('project-invalid', `The project '${project.name}' (${file}) has no protected attribute chosen, so there is no fairness to report.`, 'Choose a protected attribute in the page (Data & model), then save the project again.');
  if (!project.model) throw new WorkbenchError('project-invalid', `The project '${project.name}' (${file}) has no model or score column yet.`, 'Load a model or choose a score column in the page, then save the project again.');

  const dir = mkdtempSync(join(tmpdir(), 'bw-project-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const dataPath = join(dir, entryName(project.dataset.name));
    writeFileSync(dataPath, data);
    let model: string | null = null;
    let manifest: string | null = null;
    if (project.model.kind === 'files') {
      const modelDir = join(dir, 'model');
      mkdirSync(modelDir);
      for (const f of modelFiles) writeFileSync(join(modelDir, entryName(f.name)), f.data);
      const main = modelFiles.find((f) => /\.onnx$/i.test(f.name)) ?? modelFiles.find((f) => f.name === 'model.json') ?? modelFiles.find((f) => /\.json$/i.test(f.name));
      if (!main) throw new WorkbenchError('project-invalid', `The project's model files (${modelFiles.map((f) => f.name).join(', ')}) hold no model.json or .onnx file.`, 'Save the project again from the page.');
      model = join(modelDir, entryName(main.name));
      manifest = join(dir, 'project.manifest.json');
      writeFileSync(manifest, JSON.stringify(project.model.manifest));
    }
    let policy: string | null = null;
    if (project.monitor?.policy) {
      policy = join(dir, 'policy.json');
      writeFileSync(policy, project.monitor.policy);
    }
    return {
      args: [...settingsArgs(project, { data: dataPath, model, manifest, policy }, rest), ...rest],
      overrides: project.dataset.overrides,
      file,
      dataLabel: `${file}:data/${entryName(project.dataset.name)}`,
      command: ['--project', projectPath, ...rest],
      cleanup,
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** The table with the person's type choices applied, in the order they were made. */
export function applyOverrides(table: ColumnTable, overrides: Record<string, ColumnType>): ColumnTable {
  let columns = table.columns;
  for (const [name, type] of Object.entries(overrides)) {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0 || columns[i].type === type) continue;
    columns = columns.map((c, j) => (j === i ? retypeColumn(c, type).column : c));
  }
  return columns === table.columns ? table : { ...table, columns };
}
