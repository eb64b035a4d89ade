import { memo, useEffect, useMemo, useState } from 'react';
import type { DatasetSummary } from '../../../workers/workbench.worker';
import type { Problem } from '../../core/errors';
import type { Manifest } from '../../core/manifest';
import type { DraftChoices, DraftEncoding } from '../../core/manifest/draft';
import type { DatasetRoles } from '../../core/roles';
import type { ColumnProfile } from '../../core/profile';
import { problemOf } from '../../client/bridge';
import { downloadFiles } from '../download';

const ENCODINGS: { value: DraftEncoding; label: string }[] = [
  { value: 'standardize', label: 'number, standardised (mean/std of the data)' },
  { value: 'none', label: 'number, as it is' },
  { value: 'one-hot', label: 'one input per value (one-hot)' },
  { value: 'label', label: 'one text input (the model encodes it)' },
];

interface Row {
  use: boolean;
  encoding: DraftEncoding;
}

/** The usual encoding of a column: numbers standardised, anything else one input per value. */
function defaultRow(c: ColumnProfile, roles: DatasetRoles | null): Row {
  const inModel = roles ? roles.features.includes(c.name) : true;
  return { use: inModel, encoding: c.type === 'numeric' ? 'standardize' : 'one-hot' };
}

/**
 * The manifest writer: for a model that came without a manifest, the person maps the data's
 * columns to the model's inputs and chooses the target, output and threshold; the numbers
 * (means, standard deviations, categories) come from the data, drafted in the worker
 * (core/manifest/draft) and checked by validateManifest, whose message shows here. "Download
 * manifest" saves it (a file made in the page); "Use it" loads the model with it.
 */
export const ManifestWriter = memo(function ManifestWriter(props: {
  dataset: DatasetSummary;
  roles: DatasetRoles | null;
  /** the model files it is written for (shown), e.g. ['model.json', 'weights.bin'] */
  files: string[];
  draft: (choices: DraftChoices) => Promise<{ manifest: Manifest; warnings: string[] }>;
  onUse: (manifest: Manifest) => void;
  onCancel: () => void;
}) {
  const { dataset, roles } = props;
  const [target, setTarget] = useState(roles?.target.column ?? dataset.suggestedRoles.target.column);
  const targetProfile = dataset.columns.find((c) => c.name === target);
  const values = targetProfile?.top?.map((t) => t.value) ?? [];
  const [positiveFor, setPositiveFor] = useState<Record<string, string>>(roles ? { [roles.target.column]: roles.target.positive } : {});
  const positive = positiveFor[target] ?? values[0] ?? '';
  const [rows, setRows] = useState<Record<string, Row>>(() => Object.fromEntries(dataset.columns.map((c) => [c.name, defaultRow(c, roles)])));
  const [output, setOutput] = useState<'probability' | 'logit'>('probability');
  const [threshold, setThreshold] = useState(0.5);
  const [withProtected, setWithProtected] = useState(true);
  const [name, setName] = useState(props.files[0]?.replace(/\.[^.]*$/, '') ?? 'model');

  const choices: DraftChoices = useMemo(
    () => ({
      name,
      target: { column: target, positive },
      features: dataset.columns.filter((c) => c.name !== target && rows[c.name]?.use).map((c) => ({ column: c.name, encoding: rows[c.name].encoding })),
      output,
      threshold,
      ...(withProtected && roles?.protected.length ? { protected: roles.protected.map((p) => ({ column: p.column, ...(p.cuts ? { cuts: p.cuts } : {}) })) } : {}),
    }),
    [name, target, positive, dataset.columns, rows, output, threshold, withProtected, roles],
  );

  const [result, setResult] = useState<{ manifest: Manifest; warnings: string[] } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const { draft } = props;
  useEffect(() => {
    let live = true;
    draft(choices)
      .then((r) => {
        if (!live) return;
        setResult(r);
        setProblem(null);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setResult(null);
        setProblem(problemOf(e));
      });
    return () => {
      live = false;
    };
  }, [draft, choices]);

  const setRow = (column: string, patch: Partial<Row>) => setRows((r) => ({ ...r, [column]: { ...r[column], ...patch } }));
  return (
    <section className="manifest-writer" data-testid="manifest-writer" aria-labelledby="manifest-writer-title">
      <h3 id="manifest-writer-title">Write the manifest for {props.files.join(', ') || 'this model'}</h3>
      <p className="hint">
        The model came without a manifest: say which columns feed it, in the order of its inputs, and how; the numbers come from the loaded data ({dataset.name}). Use the encoding the
        model was trained with.
      </p>
      <div className="form-grid">
        <label>
          name <input value={name} onChange={(e) => setName(e.target.value)} data-testid="writer-name" />
        </label>
        <label>
          target{' '}
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="writer-target">
            {dataset.columns.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </select>
        </label>
        <label>
          positive value{' '}
          <select value={positive} onChange={(e) => setPositiveFor({ ...positiveFor, [target]: e.target.value })} data-testid="writer-positive">
            {values.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          the model outputs{' '}
          <select value={output} onChange={(e) => setOutput(e.target.value as 'probability' | 'logit')} data-testid="writer-output">
            <option value="probability">a probability</option>
            <option value="logit">log-odds (logit)</option>
          </select>
        </label>
        <label>
          threshold <input type="number" min={0.01} max={0.99} step={0.01} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="writer-threshold" />
        </label>
        {roles && roles.protected.length > 0 && (
          <label>
            <input type="checkbox" checked={withProtected} onChange={(e) => setWithProtected(e.target.checked)} /> protected attributes: {roles.protected.map((p) => p.column).join(', ')}
          </label>
        )}
      </div>
      <table className="writer-columns" data-testid="writer-columns">
        <thead>
          <tr>
            <th scope="col">input</th>
            <th scope="col">column</th>
            <th scope="col">encoding</th>
          </tr>
        </thead>
        <tbody>
          {dataset.columns
            .filter((c) => c.name !== target)
            .map((c) => (
              <tr key={c.name}>
                <td>
                  <input type="checkbox" checked={rows[c.name]?.use ?? false} onChange={(e) => setRow(c.name, { use: e.target.checked })} aria-label={`${c.name} is a model input`} />
                </td>
                <th scope="row">
                  {c.name} <span className="sub">{c.type}</span>
                </th>
                <td>
                  <select value={rows[c.name]?.encoding} disabled={!rows[c.name]?.use} onChange={(e) => setRow(c.name, { encoding: e.target.value as DraftEncoding })} aria-label={`encoding of ${c.name}`}>
                    {ENCODINGS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      {problem && (
        <p className="warning" role="alert" data-testid="writer-problem">
          {problem.message}
          {problem.hint ? ` ${problem.hint}` : ''}
        </p>
      )}
      {result && result.warnings.length > 0 && (
        <ul className="footnote" data-testid="writer-warnings">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {result && (
        <p className="summary" data-testid="writer-summary">
          {result.manifest.features.length} columns → the model&apos;s inputs; target {result.manifest.target.column} = {result.manifest.target.positive}; threshold {result.manifest.threshold}
        </p>
      )}
      <p>
        <button disabled={!result} onClick={() => result && downloadFiles([{ name: 'model.manifest.json', data: new TextEncoder().encode(JSON.stringify(result.manifest, null, 2)) }])} data-testid="writer-download">
          Download manifest
        </button>{' '}
        <button className="primary" disabled={!result} onClick={() => result && props.onUse(result.manifest)} data-testid="writer-use">
          Use it
        </button>{' '}
        <button onClick={props.onCancel} data-testid="writer-cancel">
          Cancel
        </button>
      </p>
    </section>
  );
});
