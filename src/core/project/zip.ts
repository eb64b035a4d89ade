/**
 * A project as one file: a zip holding `project.json`, the dataset under `data/<name>` (left
 * out when the person chooses so) and the model's files under `model/<name>`. Reading it back
 * checks the document (migrating older versions), that every model file it names is there,
 * and that the data, when present, is the data the project was made on (its SHA-256).
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { WorkbenchError } from '../errors';
import { validateProject } from './validate';
import type { Project, ProjectBundle } from './types';

const HINT = 'Choose the .zip that "Save project" wrote, as it was saved.';

/** The file's name under `data/` or `model/`: the last part of the name, so nothing can point outside its folder. */
export function entryName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? 'file' : base;
}

/** SHA-256 hex of bytes: the same hash the worker records as a dataset's contentHash. */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/**
 * Write the zip. Entries are stamped with the project's `updated` time, so the same project
 * gives the same bytes. `data` null leaves the dataset out (the project still names it and its
 * hash, so the same file can be put back).
 */
export function encodeProject(bundle: ProjectBundle): Uint8Array {
  const { project, data, modelFiles } = bundle;
  const mtime = new Date(project.updated);
  const files: Zippable = { 'project.json': [strToU8(JSON.stringify(project, null, 2)), { mtime }] };
  if (data && project.dataset) files[`data/${entryName(project.dataset.name)}`] = [data, { mtime }];
  for (const f of modelFiles) files[`model/${entryName(f.name)}`] = [f.data, { mtime }];
  if (bundle.monitorData && project.monitor?.dataset) files[`monitor/${entryName(project.monitor.dataset.name)}`] = [bundle.monitorData, { mtime }];
  return zipSync(files, { level: 6 });
}

function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (e) {
    throw new WorkbenchError('project-invalid', `This file is not a project file (a zip could not be read: ${(e as Error).message}).`, HINT);
  }
}

function parseDocument(entries: Record<string, Uint8Array>): unknown {
  const doc = entries['project.json'];
  if (!doc) throw new WorkbenchError('project-invalid', 'This zip has no project.json, so it is not a Bias Workbench project.', HINT);
  try {
    return JSON.parse(strFromU8(doc));
  } catch (e) {
    throw new WorkbenchError('project-invalid', `project.json is not valid JSON (${(e as Error).message}).`, HINT);
  }
}

/** The model files the project names, in its order; refuses a project whose file lacks one. */
function modelFilesOf(project: Project, entries: Record<string, Uint8Array>): { name: string; data: Uint8Array }[] {
  if (project.model?.kind !== 'files') return [];
  const missing = project.model.files.filter((f) => !entries[`model/${entryName(f)}`]);
  if (missing.length) throw new WorkbenchError('project-invalid', `The project file lacks the model file${missing.length > 1 ? 's' : ''} ${missing.map((m) => `model/${m}`).join(', ')}.`, HINT);
  return project.model.files.map((f) => ({ name: f, data: entries[`model/${entryName(f)}`] }));
}

/**
 * Read a project file. `data` is null when the file was saved without the dataset; when it is
 * there, its SHA-256 must be the one the project recorded.
 */
export function decodeProject(bytes: Uint8Array): ProjectBundle {
  const entries = unzip(bytes);
  const project = validateProject(parseDocument(entries));
  const modelFiles = modelFilesOf(project, entries);
  const data = checkedData(project.dataset, entries, 'data');
  const monitorData = checkedData(project.monitor?.dataset, entries, 'monitor');
  return { project, data, modelFiles, monitorData };
}

/** Bytes under `folder/` for a dataset entry, when there, checked against its recorded SHA-256. */
function checkedData(ds: Project['dataset'] | undefined, entries: Record<string, Uint8Array>, folder: string): Uint8Array | null {
  if (!ds) return null;
  const data = entries[`${folder}/${entryName(ds.name)}`] ?? null;
  if (data && sha256Hex(data) !== ds.contentHash) {
    throw new WorkbenchError('project-invalid', `The data in the project file (${folder}/${entryName(ds.name)}) is not the data the project was made on: its SHA-256 differs.`, 'The file was changed after it was saved; save the project again from the workbench.');
  }
  return data;
}

/** Bytes a project takes: its document, its data and its model files. */
export function projectSize(bundle: ProjectBundle): number {
  return strToU8(JSON.stringify(bundle.project)).length + (bundle.data?.length ?? 0) + (bundle.monitorData?.length ?? 0) + bundle.modelFiles.reduce((a, f) => a + f.data.length, 0);
}
