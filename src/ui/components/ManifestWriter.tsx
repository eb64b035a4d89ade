import { memo, useEffect, useMemo, useState } from 'react';
import type { DatasetSummary } from '../../../workers/workbench.worker';
import type { Problem } from '../../core/errors';
import type { Manifest, ModelInputBinding } from '../../core/manifest';
import type { DraftChoices, DraftEncoding } from '../../core/manifest/draft';
import { describeWidth, manifestWidth } from '../../core/manifest/layout';
import type { ModelInspection } from '../../core/open-model';
import type { OnnxInspection, OnnxValueInfo } from '../../core/onnx';
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

/** One named ONNX input: the data column that feeds it ('' none yet) and how. */
interface InputRow {
  column: string;
  encoding: 'none' | 'label';
}

const BINDING_TYPE: Record<string, ModelInputBinding['type']> = { float32: 'float', float64: 'double', int64: 'int64', int32: 'int32', string: 'string', bool: 'bool' };

const isFloat = (i: OnnxValueInfo): boolean => i.type === 'float32' || i.type === 'float64';

/** An ONNX model with an input per column (the skl2onnx shape): more than one input, or one that is not float. */
function namedInputs(onnx: OnnxInspection | null): OnnxValueInfo[] | null {
  if (!onnx || onnx.inputs.length === 0) return null;
  return onnx.inputs.length > 1 || !isFloat(onnx.inputs[0]) ? onnx.inputs : null;
}

/**
 * An input's column (the data column of its name, exactly or ignoring case) and encoding: a
 * text input gets the column's categories as text ('label'); a number input a numeric column
 * as it is, a text column as the number each category spells ('label').
 */
function defaultInputRow(input: OnnxValueInfo, columns: ColumnProfile[]): InputRow {
  const col = columns.find((c) => c.name === input.name) ?? columns.find((c) => c.name.toLowerCase() === input.name.toLowerCase());
  const numeric = input.type !== 'string' && input.type !== 'bool';
  return { column: col?.name ?? '', encoding: numeric && col?.type === 'numeric' ? 'none' : 'label' };
}

/** The output that holds the score: a ZipMap, else 'probabilities', else the first float output. */
function defaultOutput(onnx: OnnxInspection | null): string {
  if (!onnx) return '';
  return onnx.zipMaps[0]?.output ?? onnx.outputs.find((o) => o.name === 'probabilities')?.name ?? onnx.outputs.find((o) => o.type === 'float32' || o.type === 'float64')?.name ?? '';
}

/**
 * The manifest writer: for a model that came without a manifest, the person maps the data's
 * columns to the model's inputs and chooses the target, output and threshold; the numbers
 * (means, standard deviations, categories) come from the data, drafted in the worker
 * (core/manifest/draft) and checked by validateManifest, whose message shows here. "Download
 * manifest" saves it (a file made in the page); "Use it" loads the model with it.
 *
 * With `inspect` (the worker's inspectModel), what the model declares fills the form: an ONNX
 * model with an input per column gets one row per input, bound to the data column of its
 * name (editable), encoded as its type asks, and the manifest's `model.inputs` and output;
 * a model with one [N, F] input shows F beside the width the draft encodes.
 */
export const ManifestWriter = memo(function ManifestWriter(props: {
  dataset: DatasetSummary;
  roles: DatasetRoles | null;
  /** the model files it is written for (shown), e.g. ['model.json', 'weights.bin'] */
  files: string[];
  draft: (choices: DraftChoices) => Promise<{ manifest: Manifest; warnings: string[] }>;
  /** what the model's files declare (the worker's inspectModel); without it the form starts from the data alone */
  inspect?: () => Promise<ModelInspection>;
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

  // what the model declares: read once, when the writer opens
  const [inspection, setInspection] = useState<ModelInspection | null>(null);
  const [inspectProblem, setInspectProblem] = useState<Problem | null>(null);
  const [inputRows, setInputRows] = useState<Record<string, InputRow>>({});
  const [outputName, setOutputName] = useState('');
  const { inspect } = props;
  useEffect(() => {
    if (!inspect) return;
    let live = true;
    inspect()
      .then((r) => {
        if (!live) return;
        setInspection(r);
        setInputRows(Object.fromEntries((namedInputs(r.onnx) ?? []).map((i) => [i.name, defaultInputRow(i, dataset.columns)])));
        setOutputName(defaultOutput(r.onnx));
      })
      .catch((e: unknown) => {
        if (live) setInspectProblem(problemOf(e));
      });
    return () => {
      live = false;
    };
  }, [inspect, dataset.columns]);
  const named = namedInputs(inspection?.onnx ?? null);
  const unbound = named ? named.filter((i) => !inputRows[i.name]?.column).map((i) => i.name) : [];
  const classLabels = inspection?.onnx?.classLabels ?? null;

  const choices: DraftChoices = useMemo(() => {
    const bound = named ? named.filter((i) => inputRows[i.name]?.column) : [];
    const features = named
      ? bound.map((i) => ({ column: inputRows[i.name].column, encoding: inputRows[i.name].encoding }))
      : dataset.columns.filter((c) => c.name !== target && rows[c.name]?.use).map((c) => ({ column: c.name, encoding: rows[c.name].encoding }));
    const inputs = bound.map((i): ModelInputBinding => ({ name: i.name, column: inputRows[i.name].column, ...(BINDING_TYPE[i.type] ? { type: BINDING_TYPE[i.type] } : {}) }));
    // a classifier whose classes do not name the positive value: its second column (binary 0/1)
    const index = classLabels && !classLabels.includes(positive) && classLabels.length === 2 ? 1 : undefined;
    const several = (inspection?.onnx?.outputs.length ?? 0) > 1;
    const model =
      inspection?.format === 'onnx' && (named || several)
        ? { format: 'onnx' as const, ...(named ? { inputs } : {}), ...(outputName ? { outputName } : {}), ...(index !== undefined ? { index } : {}) }
        : undefined;
    return {
      name,
      target: { column: target, positive },
      features,
      output,
      threshold,
      ...(withProtected && roles?.protected.length ? { protected: roles.protected.map((p) => ({ column: p.column, ...(p.cuts ? { cuts: p.cuts } : {}) })) } : {}),
      ...(model ? { model } : {}),
    };
  }, [name, target, positive, dataset.columns, rows, output, threshold, withProtected, roles, named, inputRows, outputName, classLabels, inspection]);

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
  const setInputRow = (input: string, patch: Partial<InputRow>) => setInputRows((r) => ({ ...r, [input]: { ...r[input], ...patch } }));
  const encodedWidth = result ? manifestWidth(result.manifest) : null;
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
      {inspection && (
        <p className="hint" data-testid="writer-model">
          The model declares: {inspection.describe.join('; ')}
          {classLabels ? `; classes ${classLabels.map((l) => `'${l}'`).join(', ')}` : ''}.
        </p>
      )}
      {inspectProblem && (
        <p className="warning" data-testid="writer-inspect-problem">
          The model&apos;s inputs could not be read ({inspectProblem.message}); map the columns by hand.
        </p>
      )}
      {inspection?.format === 'onnx' && (inspection.onnx?.outputs.length ?? 0) > 1 && (
        <label>
          the score is in the output{' '}
          <select value={outputName} onChange={(e) => setOutputName(e.target.value)} data-testid="writer-output-name">
            {inspection.onnx!.outputs.map((o) => (
              <option key={o.name} value={o.name}>
                {o.name} ({o.type === 'map' ? 'class → probability map' : o.type})
              </option>
            ))}
          </select>
        </label>
      )}
      {named && (
        <table className="writer-columns" data-testid="writer-inputs">
          <thead>
            <tr>
              <th scope="col">model input</th>
              <th scope="col">column of the data</th>
              <th scope="col">fed as</th>
            </tr>
          </thead>
          <tbody>
            {named.map((i) => (
              <tr key={i.name}>
                <th scope="row">
                  {i.name}{' '}
                  <span className="sub">
                    {i.type} [{i.shape.join(', ')}]
                  </span>
                </th>
                <td>
                  <select value={inputRows[i.name]?.column ?? ''} onChange={(e) => setInputRow(i.name, { column: e.target.value })} aria-label={`column for the input ${i.name}`}>
                    <option value="">(choose a column)</option>
                    {dataset.columns
                      .filter((c) => c.name !== target)
                      .map((c) => (
                        <option key={c.name}>{c.name}</option>
                      ))}
                  </select>
                </td>
                <td>
                  <select value={inputRows[i.name]?.encoding ?? 'label'} onChange={(e) => setInputRow(i.name, { encoding: e.target.value as InputRow['encoding'] })} aria-label={`how ${i.name} is fed`}>
                    <option value="none">the number as it is</option>
                    <option value="label">{i.type === 'string' ? 'the category text' : 'the category (as the number it spells)'}</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {named && unbound.length > 0 && (
        <p className="warning" data-testid="writer-unbound">
          Choose the column for the input{unbound.length === 1 ? '' : 's'} {unbound.map((n) => `'${n}'`).join(', ')}: the model needs every input.
        </p>
      )}
      {!named && (
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
      )}
      {!named && inspection?.inputWidth != null && result && (
        <p className={encodedWidth === inspection.inputWidth ? 'summary' : 'warning'} data-testid="writer-width">
          The model takes {inspection.inputWidth} values per row; this draft encodes {encodedWidth} ({describeWidth(result.manifest)}).
          {encodedWidth !== inspection.inputWidth ? ' Choose the columns and encodings the model was trained with until the two agree.' : ''}
        </p>
      )}
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
        <button disabled={!result || unbound.length > 0} onClick={() => result && downloadFiles([{ name: 'model.manifest.json', data: new TextEncoder().encode(JSON.stringify(result.manifest, null, 2)) }])} data-testid="writer-download">
          Download manifest
        </button>{' '}
        <button className="primary" disabled={!result || unbound.length > 0} onClick={() => result && props.onUse(result.manifest)} data-testid="writer-use">
          Use it
        </button>{' '}
        <button onClick={props.onCancel} data-testid="writer-cancel">
          Cancel
        </button>
      </p>
    </section>
  );
});
