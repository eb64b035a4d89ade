/**
 * A project file's data anonymised before it leaves the page (core/project/anonymise.ts):
 * identifier-like columns found and shown, then dropped or pseudonymised, the columns the
 * project needs kept, the document following the new data (hash, roles, type choices) so the
 * file reads back; nothing flagged keeps the bytes. Also: the Monitor data and a trained
 * model's history travel in the file.
 */
import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { anonymiseProjectData, decodeProject, encodeProject, previewProjectData, sha256Hex, PROJECT_FORMAT, type Project } from '../../src/core/project';
import { parseCsv } from '../../src/core/csv';
import { cellText } from '../../src/core/table';

const lines = ['lead_id,email,group,visits,converted,score'];
for (let i = 0; i < 40; i++) lines.push(`${1000 + (i % 37)},lead${i}@corp.example,${i % 3 === 0 ? 'A' : 'B'},${i % 9},${i % 4 === 0 ? 'yes' : 'no'},${((i * 37) % 100) / 100}`);
// lead_id repeats (37 ids over 40 rows): found by its header, and equal ids must stay equal
const csv = strToU8(lines.join('\n') + '\n');

function project(over: Partial<Project> = {}): Project {
  return {
    format: PROJECT_FORMAT,
    id: 'p1',
    name: 'leads',
    created: '2026-01-02T03:04:05.000Z',
    updated: '2026-01-02T03:05:00.000Z',
    dataset: { name: 'leads.csv', contentHash: sha256Hex(csv), nRows: 40, overrides: { email: 'categorical', visits: 'categorical' } },
    model: { kind: 'scores', column: 'score', scoreKind: 'score', fingerprint: null },
    roles: { target: { column: 'converted', positive: 'yes' }, protected: [{ column: 'group' }], features: ['visits', 'email'], ignored: ['lead_id'] },
    attribute: 'group',
    decision: { rule: 'threshold', threshold: 0.5 },
    ...over,
  };
}

const column = (data: Uint8Array, name: string) => {
  const t = parseCsv(data).table;
  const c = t.columns.find((x) => x.name === name);
  return c ? Array.from({ length: t.nRows }, (_, r) => cellText(c, r)) : null;
};

describe('project data anonymisation', () => {
  it('shows the identifier-like columns before saving', () => {
    const p = previewProjectData(project(), csv);
    expect(p.findings.map((f) => f.column)).toEqual(['lead_id', 'email']);
    expect(p.kept).toEqual([]);
  });

  it('drops them: the file reads back, its hash, roles and type choices follow the new data', () => {
    const p = project();
    const a = anonymiseProjectData(p, csv, previewProjectData(p, csv).findings, 'drop');
    expect(a.treated).toEqual([
      { column: 'lead_id', action: 'drop' },
      { column: 'email', action: 'drop' },
    ]);
    const text = strFromU8(a.data);
    expect(text.split('\n')[0]).toBe('group,visits,converted,score');
    expect(text).not.toMatch(/@corp\.example|\b10[0-3]\d\b,/);
    expect(a.project.dataset).toEqual({ name: 'leads.csv', contentHash: sha256Hex(a.data), nRows: 40, overrides: { visits: 'categorical' } });
    expect(a.project.roles?.features).toEqual(['visits']);
    expect(a.project.roles?.ignored).toEqual([]);
    for (const c of ['group', 'visits', 'converted', 'score']) expect(column(a.data, c), c).toEqual(column(csv, c));
    const back = decodeProject(encodeProject({ project: a.project, data: a.data, modelFiles: [] }));
    expect(back.data).toEqual(a.data);
  });

  it('pseudonymises them: equal values stay equal, never the originals, always read back as text', () => {
    const p = project();
    const a = anonymiseProjectData(p, csv, previewProjectData(p, csv).findings, 'hash', 'a-salt');
    const ids = column(a.data, 'lead_id')!;
    const orig = column(csv, 'lead_id')!;
    for (const v of ids) expect(v).toMatch(/^h[0-9a-f]{16}$/);
    expect(ids[0]).toBe(ids[37]); // rows 0 and 37 share id 1000
    expect(new Set(ids).size).toBe(new Set(orig).size);
    expect(parseCsv(a.data).table.columns.find((c) => c.name === 'lead_id')!.type).toBe('categorical');
    expect(strFromU8(a.data)).not.toContain('@corp.example');
    expect(a.project.roles?.features).toEqual(['visits', 'email']);
    // another salt, other pseudonyms
    const b = anonymiseProjectData(p, csv, previewProjectData(p, csv).findings, 'hash', 'another-salt');
    expect(column(b.data, 'lead_id')![0]).not.toBe(ids[0]);
  });

  it('keeps the columns the project needs, and says why', () => {
    const p = project({ model: { kind: 'files', name: 'm', origin: 'imported', manifest: { features: [{ column: 'email' }] }, files: ['model.json'], fingerprint: null } });
    const prev = previewProjectData(p, csv);
    expect(prev.findings.map((f) => f.column)).toEqual(['lead_id']);
    expect(prev.kept).toEqual([{ column: 'email', why: 'the model reads it' }]);
    // even when handed the finding, a needed column stays
    const all = previewProjectData(project(), csv).findings;
    expect(strFromU8(anonymiseProjectData(p, csv, all, 'drop').data).split('\n')[0]).toBe('email,group,visits,converted,score');
  });

  it('keeps the bytes when nothing is flagged', () => {
    const plain = strToU8('group,converted,score\nA,yes,0.9\nB,no,0.1\n');
    const p = project({ dataset: { name: 'plain.csv', contentHash: sha256Hex(plain), nRows: 2, overrides: {} } });
    const prev = previewProjectData(p, plain);
    expect(prev.findings).toEqual([]);
    const a = anonymiseProjectData(p, plain, prev.findings, 'drop');
    expect(a.data).toBe(plain);
    expect(a.project).toBe(p);
  });
});

describe('project file: Monitor data and training history', () => {
  const later = strToU8('group,converted,score\nA,no,0.4\n');
  const withMonitor = (hash: string) => project({ monitor: { policy: null, timeColumn: null, dataset: { name: 'later.csv', contentHash: hash, nRows: 1, overrides: {} } } });

  it('carries the Monitor data under monitor/ and reads it back', () => {
    const zip = encodeProject({ project: withMonitor(sha256Hex(later)), data: csv, modelFiles: [], monitorData: later });
    expect(Object.keys(unzipSync(zip)).sort()).toEqual(['data/leads.csv', 'monitor/later.csv', 'project.json']);
    expect(decodeProject(zip).monitorData).toEqual(later);
    // optional like the dataset
    expect(decodeProject(encodeProject({ project: withMonitor(sha256Hex(later)), data: csv, modelFiles: [] })).monitorData).toBeNull();
  });

  it('refuses Monitor data that is not the one recorded', () => {
    const zip = encodeProject({ project: withMonitor('0'.repeat(64)), data: csv, modelFiles: [], monitorData: later });
    expect(() => decodeProject(zip)).toThrow(/monitor\/later\.csv\) is not the data the project was made on/);
  });

  it("keeps a trained model's origin and history", () => {
    const history = [
      { epoch: 1, epochs: 2, loss: 0.6 },
      { epoch: 2, epochs: 2, loss: 0.5 },
    ];
    const p = project({ model: { kind: 'files', name: 'trained logistic', origin: 'trained', manifest: { features: [] }, files: ['model.json'], fingerprint: null, history } });
    const back = decodeProject(encodeProject({ project: p, data: csv, modelFiles: [{ name: 'model.json', data: strToU8('{}') }] })).project.model;
    expect(back).toMatchObject({ origin: 'trained', history });
    expect(() => decodeProject(encodeProject({ project: { ...p, model: { ...(p.model as object), history: 'x' } as unknown as Project['model'] }, data: csv, modelFiles: [{ name: 'model.json', data: strToU8('{}') }] }))).toThrow(/model\.history must be an array of epochs/);
  });
});
