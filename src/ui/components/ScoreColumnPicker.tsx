import { memo, useState } from 'react';
import type { DatasetSummary } from '../../../workers/workbench.worker';
import type { ColumnProfile } from '../../core/profile';
import type { ScoreKind } from '../../core/score-column';

/** A column that may hold scores or decisions: numbers, or two true/false-like values. */
function candidate(c: ColumnProfile, target: string | undefined): boolean {
  return c.name !== target && (c.type === 'numeric' || c.type === 'boolean');
}

/** 'decision' for a column of two values (0/1, yes/no), else 'score'. */
function likelyKind(c: ColumnProfile | undefined): ScoreKind {
  return c && (c.type === 'boolean' || (c.distinct <= 2 && c.numeric && c.numeric.min >= 0 && c.numeric.max <= 1)) ? 'decision' : 'score';
}

/**
 * "Scores from a column of this data": for a CRM that exports a score (or a call decision) per
 * lead rather than a model. The chosen column becomes the model the audit reads (the worker's
 * useScoreColumn); the worker refuses a column that is not P(positive) in [0, 1] or 0/1.
 */
export const ScoreColumnPicker = memo(function ScoreColumnPicker(props: {
  dataset: DatasetSummary | null;
  /** the target column (not offered: it is the outcome, not a score) */
  target: string | undefined;
  busy: boolean;
  onUse: (column: string, kind: ScoreKind) => void;
}) {
  const columns = (props.dataset?.columns ?? []).filter((c) => candidate(c, props.target));
  const [chosen, setChosen] = useState<string>('');
  const column = columns.find((c) => c.name === chosen) ?? columns.find((c) => /score|prob|decision|pred/i.test(c.name)) ?? columns[0];
  const [kindFor, setKindFor] = useState<Record<string, ScoreKind>>({});
  const kind = column ? (kindFor[column.name] ?? likelyKind(column)) : 'score';
  return (
    <fieldset className="train" disabled={!props.dataset || props.busy || columns.length === 0} data-testid="score-column">
      <legend>…or use scores from a column of this data</legend>
      {props.dataset && columns.length === 0 && <p>This data has no numeric or yes/no column to read as scores.</p>}
      <label>
        column{' '}
        <select value={column?.name ?? ''} onChange={(e) => setChosen(e.target.value)} data-testid="score-column-name">
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        holds{' '}
        <select value={kind} onChange={(e) => column && setKindFor({ ...kindFor, [column.name]: e.target.value as ScoreKind })} data-testid="score-column-kind">
          <option value="score">a score: P(positive) in [0, 1]</option>
          <option value="decision">a 0/1 decision</option>
        </select>
      </label>
      <button onClick={() => column && props.onUse(column.name, kind)} data-testid="use-score-column">
        Use this column as the scores
      </button>
      <p className="hint">
        For a CRM that exports a score per lead, not a model. The audit, slices, call lists and group thresholds run on these scores; explanations and retraining need the model
        itself.
      </p>
    </fieldset>
  );
});
