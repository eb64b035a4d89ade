import { memo, useMemo, useState } from 'react';
import { num } from '../../core/format';
import type { Problem } from '../../core/errors';
import type { DatasetSummary, ModelSummary, TrainEpoch } from '../../../workers/workbench.worker';
import { sortModelFiles } from '../../client/model-files';
import { problemOf } from '../../client/bridge';
import type { ScoreKind } from '../../core/score-column';
import { ScoreColumnPicker } from './ScoreColumnPicker';
import { ManifestWriter } from './ManifestWriter';
import type { Manifest } from '../../core/manifest';
import type { DraftChoices } from '../../core/manifest/draft';
import type { DatasetRoles } from '../../core/roles';
import type { ModelInspection } from '../../core/open-model';

/** Chosen model files, plus a written manifest as one more chosen file. */
function withManifest(chosen: File[], manifest: Manifest): { name: string; arrayBuffer(): Promise<ArrayBuffer> }[] {
  const bytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  return [...chosen, { name: 'model.manifest.json', arrayBuffer: () => Promise.resolve(bytes.buffer as ArrayBuffer) }];
}

export const ModelPanel = memo(function ModelPanel(props: {
  model: ModelSummary | null;
  dataset: DatasetSummary | null;
  /** why the loaded model does not fit the loaded dataset, or null */
  misfit: string | null;
  history: TrainEpoch[];
  busy: boolean;
  onFiles: (files: { name: string; data: ArrayBuffer }[], manifest: unknown, name: string) => void;
  onProblem: (p: Problem) => void;
  onTrain: (kind: 'logistic' | 'mlp', seed: number, epochs: number) => void;
  onExport: () => void;
  /** the target column (not offered as a score column) */
  target?: string;
  /** use a score or decision column of the data as the model */
  onScoreColumn?: (column: string, kind: ScoreKind) => void;
  /** the data's roles (the manifest writer's defaults) */
  roles?: DatasetRoles | null;
  /** draft a manifest from the loaded data (the worker's draftManifest), for model files chosen without one */
  draftManifest?: (choices: DraftChoices) => Promise<{ manifest: Manifest; warnings: string[] }>;
  /** what model files declare (the worker's inspectModel), for the manifest writer's pre-filled inputs */
  inspectModel?: (files: { name: string; data: ArrayBuffer }[]) => Promise<ModelInspection>;
}) {
  const { model, history } = props;
  const [kind, setKind] = useState<'logistic' | 'mlp'>('logistic');
  const [seed, setSeed] = useState(42);
  const [epochs, setEpochs] = useState(10);
  const last = history[history.length - 1];
  /** model files chosen without a manifest: the manifest writer is open for them */
  const [unwritten, setUnwritten] = useState<File[] | null>(null);
  const { inspectModel } = props;
  const inspect = useMemo(
    () => (unwritten && inspectModel ? () => Promise.all(unwritten.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() }))).then(inspectModel) : undefined),
    [unwritten, inspectModel],
  );
  return (
    <>
      <h3>Model</h3>
      <label className="file">
        Load a model with its manifest: TensorFlow.js (model.json + .bin files) or ONNX (.onnx)
        <input
          type="file"
          multiple
          accept=".json,.bin,.onnx"
          data-testid="model-input"
          onChange={async (e) => {
            const chosen = [...(e.target.files ?? [])];
            if (!chosen.length) return;
            try {
              const sorted = await sortModelFiles(chosen);
              props.onFiles(sorted.files, sorted.manifest, sorted.modelName);
            } catch (err) {
              const p = problemOf(err);
              // files without a manifest: offer to write one from the loaded data
              if (p.code === 'manifest-invalid' && /no manifest/.test(p.message) && props.dataset && props.draftManifest) setUnwritten(chosen);
              else props.onProblem(p);
            }
          }}
        />
      </label>
      {unwritten && props.dataset && props.draftManifest && (
        <ManifestWriter
          dataset={props.dataset}
          roles={props.roles ?? null}
          files={unwritten.map((f) => f.name)}
          draft={props.draftManifest}
          inspect={inspect}
          onCancel={() => setUnwritten(null)}
          onUse={(manifest) => {
            const files = unwritten;
            setUnwritten(null);
            sortModelFiles(withManifest(files, manifest))
              .then((sorted) => props.onFiles(sorted.files, sorted.manifest, sorted.modelName))
              .catch((err: unknown) => props.onProblem(problemOf(err)));
          }}
        />
      )}
      <fieldset className="train" disabled={!props.dataset || props.busy}>
        <legend>…or train one here</legend>
        <label>
          kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as 'logistic' | 'mlp')}>
            <option value="logistic">logistic regression</option>
            <option value="mlp">small MLP (32-16)</option>
          </select>
        </label>
        <label>
          seed <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value) | 0)} />
        </label>
        <label>
          epochs <input type="number" min={1} max={200} value={epochs} onChange={(e) => setEpochs(Math.max(1, Number(e.target.value) | 0))} />
        </label>
        <button onClick={() => props.onTrain(kind, seed, epochs)} data-testid="train">
          Train on the chosen features
        </button>
      </fieldset>
      {props.onScoreColumn && <ScoreColumnPicker dataset={props.dataset} target={props.target} busy={props.busy} onUse={props.onScoreColumn} />}
      {last && (
        <p className="history" data-testid="train-history">
          epoch {last.epoch}/{last.epochs}: loss {num(last.loss, 4)}
          {last.valLoss !== undefined && <> · validation loss {num(last.valLoss, 4)}</>}
          {last.valAuc !== undefined && <> · validation AUC {num(last.valAuc, 3)}</>}
        </p>
      )}
      {model && (
        <div className="model-summary" data-testid="model-summary">
          <p>
            <strong>{model.name}</strong> ({model.origin}) · {model.inputWidth} inputs from {model.manifest.features.length} columns · output{' '}
            {model.manifest.output}
          </p>
          <p className="layers">{model.layers.join(' → ')}</p>
          {props.misfit && (
            <p className="warning" role="alert" data-testid="model-misfit">
              This model does not fit the loaded data: {props.misfit} Load the model that belongs to this data, or train one here.
            </p>
          )}
          {model.can.export && (
            <button onClick={props.onExport} data-testid="export-model">
              Download model + manifest
            </button>
          )}
        </div>
      )}
    </>
  );
});
