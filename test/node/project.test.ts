import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync, strFromU8 } from 'fflate';
import { decodeProject, encodeProject, migrateProject, projectSize, sha256Hex, validateProject, PROJECT_FORMAT, type Project } from '../../src/core/project';
import { WorkbenchError } from '../../src/core/errors';

const csv = strToU8('age,marital,y\n30,single,yes\n41,married,no\n');

function project(over: Partial<Project> = {}): Project {
  return {
    format: PROJECT_FORMAT,
    id: 'p1',
    name: 'bank audit',
    created: '2026-01-02T03:04:05.000Z',
    updated: '2026-01-02T03:05:00.000Z',
    dataset: { name: 'bank.csv', contentHash: sha256Hex(csv), nRows: 2, overrides: { age: 'categorical' } },
    model: { kind: 'files', name: 'lead model', origin: 'imported', manifest: { format: 'x', features: [] }, files: ['model.json', 'model.weights.bin'], fingerprint: 'abc' },
    roles: { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age', cuts: [25, 40] }, { column: 'marital' }], features: [], ignored: [] },
    attribute: 'age',
    decision: { rule: 'top-k', k: 200 },
    compare: {
      retrainKind: 'logistic',
      epochs: 8,
      seed: 42,
      parity: 'demographicParityDifference',
      scenarios: [{ base: 'audited', scenario: { name: 'EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] }, result: { name: 'EO thresholds', metrics: { accuracy: { value: 0.9 } } } }],
    },
    monitor: { policy: '{"format":"bias-workbench.policy/1"}', timeColumn: null },
    ...over,
  };
}

const modelFiles = [
  { name: 'model.json', data: strToU8('{"modelTopology":{}}') },
  { name: 'model.weights.bin', data: new Uint8Array([1, 2, 3, 4]) },
];

function problemOf(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    return e as WorkbenchError;
  }
  throw new Error('expected a refusal');
}

describe('project file (zip)', () => {
  it('round-trips the document, the data and the model files', () => {
    const p = project();
    const bytes = encodeProject({ project: p, data: csv, modelFiles });
    const names = Object.keys(unzipSync(bytes)).sort();
    expect(names).toEqual(['data/bank.csv', 'model/model.json', 'model/model.weights.bin', 'project.json']);
    const back = decodeProject(bytes);
    expect(back.project).toEqual(p);
    expect(back.data).toEqual(csv);
    expect(back.modelFiles.map((f) => f.name)).toEqual(['model.json', 'model.weights.bin']);
    expect(back.modelFiles[1].data).toEqual(new Uint8Array([1, 2, 3, 4]));
    // the same project gives the same bytes
    expect(encodeProject({ project: p, data: csv, modelFiles })).toEqual(bytes);
    expect(projectSize(back)).toBe(JSON.stringify(p).length + csv.length + modelFiles[0].data.length + 4);
  });

  it('leaves the data out when asked, and still names it', () => {
    const bytes = encodeProject({ project: project(), data: null, modelFiles });
    expect(Object.keys(unzipSync(bytes))).not.toContain('data/bank.csv');
    const back = decodeProject(bytes);
    expect(back.data).toBeNull();
    expect(back.project.dataset?.contentHash).toBe(sha256Hex(csv));
  });

  it('keeps a data file name inside its folder', () => {
    const p = project({ dataset: { name: '../../etc/leads.csv', contentHash: sha256Hex(csv), nRows: 2, overrides: {} } });
    expect(Object.keys(unzipSync(encodeProject({ project: p, data: csv, modelFiles })))).toContain('data/leads.csv');
  });

  it('refuses data that is not the data the project was made on', () => {
    const entries = unzipSync(encodeProject({ project: project(), data: csv, modelFiles }));
    entries['data/bank.csv'] = strToU8('age,marital,y\n30,single,no\n');
    const e = problemOf(() => decodeProject(zipSync(entries)));
    expect(e.code).toBe('project-invalid');
    expect(e.message).toContain('SHA-256 differs');
  });

  it('refuses a project whose model file is missing, naming it', () => {
    const entries = unzipSync(encodeProject({ project: project(), data: csv, modelFiles }));
    delete entries['model/model.weights.bin'];
    expect(problemOf(() => decodeProject(zipSync(entries))).message).toContain('model/model.weights.bin');
  });

  it('refuses a file that is not a zip, and a zip without project.json', () => {
    expect(problemOf(() => decodeProject(strToU8('age,y\n1,0\n'))).message).toContain('not a project file');
    expect(problemOf(() => decodeProject(zipSync({ 'a.txt': strToU8('x') }))).message).toContain('no project.json');
    expect(problemOf(() => decodeProject(zipSync({ 'project.json': strToU8('{nope') }))).message).toContain('not valid JSON');
  });
});

describe('project document: validation and migration', () => {
  it('names each problem by its path', () => {
    const bad = { ...project(), decision: { rule: 'top-k', k: 0 }, roles: { ...project().roles, protected: [{ column: 'age', cuts: ['25'] }] }, nmae: 'x' };
    const e = problemOf(() => validateProject(JSON.parse(JSON.stringify(bad))));
    expect(e.code).toBe('project-invalid');
    expect(e.message).toContain('nmae is not a project field (did you mean "name"?)');
    expect(e.message).toContain('roles.protected[0].cuts must be an array of numbers');
    expect(e.message).toContain('decision must be');
  });

  it('checks scenarios with the scenario rules', () => {
    const p = project();
    const bad = { ...p, compare: { ...p.compare!, scenarios: [{ base: 'audited', scenario: { name: 'x', interventions: [{ kind: 'teleport' }] } }] } };
    expect(problemOf(() => validateProject(JSON.parse(JSON.stringify(bad)))).message).toContain('compare.scenarios[0].scenario');
  });

  it('reads a score-column model and refuses one without its dataset', () => {
    const scores = project({ model: { kind: 'scores', column: 'score', scoreKind: 'score', fingerprint: null } });
    expect(validateProject(JSON.parse(JSON.stringify(scores))).model).toEqual(scores.model);
    const orphan = { ...scores, dataset: null };
    expect(problemOf(() => validateProject(JSON.parse(JSON.stringify(orphan)))).message).toContain('a score column needs the dataset');
  });

  it('reads format 1 as it is, and refuses a newer format with a sentence', () => {
    const p = JSON.parse(JSON.stringify(project()));
    expect(migrateProject(p)).toEqual(p);
    const e = problemOf(() => migrateProject({ ...p, format: 'bias-workbench.project/2' }));
    expect(e.message).toBe('This project was saved by a newer Bias Workbench (format 2); this one reads projects up to format 1.');
    expect(e.hint).toContain('newer version');
  });

  it('refuses what is not a project document', () => {
    expect(problemOf(() => migrateProject({ format: 'bias-workbench.policy/1' })).message).toContain('not a Bias Workbench project');
    expect(problemOf(() => migrateProject([])).message).toContain('must be a JSON object');
    expect(problemOf(() => migrateProject({ ...project(), format: 'bias-workbench.project/0' })).message).toContain('formats start at 1');
  });

  it('keeps the decision log out of the project, by reference only', () => {
    const p = project({ oversight: { store: 'bias-workbench-oversight', fingerprint: 'abc' } });
    const back = decodeProject(encodeProject({ project: p, data: csv, modelFiles }));
    expect(back.project.oversight).toEqual({ store: 'bias-workbench-oversight', fingerprint: 'abc' });
    expect(strFromU8(unzipSync(encodeProject({ project: p, data: csv, modelFiles }))['project.json'])).not.toContain('"log"');
  });
});
