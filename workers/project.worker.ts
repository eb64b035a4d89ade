/**
 * The project-file worker: a project zip written and read (core/project's encodeProject and
 * decodeProject: deflate, inflate, the data's SHA-256) and the data anonymised for a project
 * file, off the page's main thread, so opening or saving a project never freezes the page.
 * Buffers are transferred both ways. Errors come back as plain Problem data.
 */
import * as Comlink from 'comlink';
import { toProblem } from '../src/core/errors';
import type { IdentifierAction, IdentifierFinding } from '../src/core/anonymise';
import { anonymiseProjectData, decodeProject, encodeProject, previewProjectData, sha256Hex, type DataPreview, type Project, type ProjectBundle } from '../src/core/project';

function guarded<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => Promise<R> {
  return async (...a: A) => {
    try {
      return fn(...a);
    } catch (e) {
      throw toProblem(e);
    }
  };
}

const buffersOf = (b: ProjectBundle): ArrayBuffer[] => [...(b.data ? [b.data.buffer as ArrayBuffer] : []), ...b.modelFiles.map((f) => f.data.buffer as ArrayBuffer)].filter((x, i, all) => all.indexOf(x) === i);

const api = {
  /** The project file's bytes. */
  encode: guarded((bundle: ProjectBundle): Uint8Array => {
    const zip = encodeProject(bundle);
    return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
  }),
  /** A project file read back (see decodeProject). */
  decode: guarded((bytes: Uint8Array): ProjectBundle => {
    const b = decodeProject(bytes);
    return Comlink.transfer(b, buffersOf(b));
  }),
  /** SHA-256 hex of bytes (data put back beside a project saved without it): the platform's digest, core's where there is none. */
  async hash(bytes: Uint8Array): Promise<string> {
    if (!globalThis.crypto?.subtle) return sha256Hex(bytes);
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
  },
  /** What anonymising the project's data would remove (shown before saving). */
  preview: guarded((project: Project, data: Uint8Array): DataPreview => previewProjectData(project, data)),
  /** The project and its data anonymised, written as a project file in one step. */
  encodeAnonymised: guarded((bundle: ProjectBundle, findings: IdentifierFinding[], action: IdentifierAction): { zip: Uint8Array; treated: { column: string; action: IdentifierAction }[] } => {
    const a = bundle.data ? anonymiseProjectData(bundle.project, bundle.data, findings, action) : { project: bundle.project, data: null, treated: [] };
    const zip = encodeProject({ ...bundle, project: a.project, data: a.data });
    return Comlink.transfer({ zip, treated: a.treated }, [zip.buffer as ArrayBuffer]);
  }),
};

export type ProjectApi = typeof api;

Comlink.expose(api);
