/**
 * Scores that come as a column of the data (a CRM's exported lead score, or its 0/1 call
 * decision) instead of as a model: the checks that make such a column usable, and the "model"
 * that reads it, so the audit, slices, decision rules and post-processing run on it unchanged.
 *
 * - a score column holds P(positive) in [0, 1] on every row (numbers, none missing);
 * - a decision column holds 0/1 (or the positive value / true-false words) on every row.
 *
 * The CLI (`audit --score / --prediction`) and the page's worker both read columns through
 * these functions, so a column the one refuses the other refuses with the same message. Hints
 * name what to do in each place: the CLI passes its flags' wording (CLI_HINTS), the page the
 * default.
 */
import { parseNumber, retypeColumn } from './csv';
import { WorkbenchError } from './errors';
import { MANIFEST_FORMAT, type Manifest } from './manifest';
import { levelsAsNumbers } from './manifest/levels';
import type { Scorer } from './scorer';
import { findColumn, type ColumnTable, type NumericColumn } from './table';

/** What to do about a refused column, in the words of where it was chosen. */
export interface ScoreColumnHints {
  /** a score column holding text */
  scoreText: string;
  /** a score column with values outside [0, 1] */
  scoreRange: string;
  /** a decision column holding a number other than 0 and 1 */
  decisionValue: string;
}

/** The page's wording: a column is chosen as "score" or "decision" in the Data & model tab. */
export const PAGE_HINTS: ScoreColumnHints = {
  scoreText: 'A score column holds P(positive) as numbers in [0, 1]; for 0/1 decisions choose "0/1 decision".',
  scoreRange: 'A score column holds P(positive) in [0, 1]: apply a sigmoid to log-odds first, or choose "0/1 decision" for 0/1 decisions.',
  decisionValue: 'A decision column holds 0 or 1 on every row; for probabilities in [0, 1] choose "score".',
};

/** The CLI's wording (its flags --score and --prediction). */
export const CLI_HINTS: ScoreColumnHints = {
  scoreText: '--score expects a numeric column of P(positive) in [0, 1]; for 0/1 decisions use --prediction.',
  scoreRange: '--score expects P(positive) in [0, 1]: apply a sigmoid to log-odds first, or use --prediction for 0/1 decisions.',
  decisionValue: 'Pass 0/1 decisions with --prediction, or probabilities in [0, 1] with --score.',
};

function rolesError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** The column as numbers: numeric as it is, a text column read through its levels (throws on text that is no number). */
function numericScores(table: ColumnTable, name: string, hints: ScoreColumnHints): NumericColumn {
  const col = findColumn(table, name);
  if (!col) throw rolesError(`The score column '${name}' is not in the table.`, 'Check the column name (names are case-sensitive).');
  if (col.type === 'numeric') return col;
  const { column, lostValues } = retypeColumn(col, 'numeric');
  if (lostValues > 0) {
    const bad = col.levels.filter((l) => l.trim() !== '' && Number.isNaN(parseNumber(l))).slice(0, 3);
    throw rolesError(`The score column '${name}' holds text that is not a number (${bad.map((b) => `'${b}'`).join(', ')}).`, hints.scoreText);
  }
  return column as NumericColumn;
}

/**
 * P(positive) from a numeric column in [0, 1], one per row (a copy). Throws 'roles-invalid'
 * when the column is absent, holds text, has a missing value or a value outside [0, 1].
 */
export function scoreColumn(table: ColumnTable, name: string, hints: ScoreColumnHints = PAGE_HINTS): Float64Array {
  const v = numericScores(table, name, hints).values;
  let missing = 0;
  let firstMissing = -1;
  let outside = 0;
  let firstOutside = -1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      if (missing++ === 0) firstMissing = i;
    } else if (!(x >= 0 && x <= 1)) {
      if (outside++ === 0) firstOutside = i;
    }
  }
  if (missing > 0) {
    throw rolesError(`${missing} row${missing === 1 ? ' has' : 's have'} no value in the score column '${name}' (first: data row ${firstMissing + 1}).`, 'Every row needs a score; remove those rows or fill them in.');
  }
  if (outside > 0) {
    throw rolesError(`The score column '${name}' has ${outside} value${outside === 1 ? '' : 's'} outside [0, 1] (first: data row ${firstOutside + 1}: ${v[firstOutside]}).`, hints.scoreRange);
  }
  return Float64Array.from(v);
}

const TRUE_WORDS = new Set(['1', 'true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['0', 'false', 'f', 'no', 'n']);

/**
 * 0/1 decisions from a decision ("prediction") column: a numeric column must hold 0 and 1
 * only; a text column is 1 where it equals the positive value (or, when no row does, a
 * true/false-like column is read as true = 1). Throws 'roles-invalid' on missing values and
 * on anything else.
 */
export function predictionColumn(table: ColumnTable, name: string, positive: string, hints: ScoreColumnHints = PAGE_HINTS): Uint8Array {
  const col = findColumn(table, name);
  if (!col) throw rolesError(`The prediction column '${name}' is not in the table.`, 'Check the column name (names are case-sensitive).');
  const n = table.nRows;
  const out = new Uint8Array(n);
  let missing = 0;
  if (col.type === 'numeric') {
    let bad = -1;
    for (let i = 0; i < n; i++) {
      const x = col.values[i];
      if (Number.isNaN(x)) missing++;
      else if (x === 1) out[i] = 1;
      else if (x !== 0 && bad < 0) bad = i;
    }
    if (bad >= 0) throw rolesError(`The prediction column '${name}' holds ${col.values[bad]} (data row ${bad + 1}); decisions must be 0 or 1.`, hints.decisionValue);
  } else {
    const pos = col.levels.indexOf(positive);
    let posLevels: Set<number>;
    if (pos >= 0) posLevels = new Set([pos]);
    else {
      const lower = col.levels.map((l) => l.trim().toLowerCase());
      if (!lower.every((l) => TRUE_WORDS.has(l) || FALSE_WORDS.has(l))) {
        throw rolesError(
          `No row of the prediction column '${name}' equals the positive value '${positive}' (its values: ${col.levels.slice(0, 10).map((l) => `'${l}'`).join(', ')}).`,
          'The prediction column must hold the positive value for selected rows, or 0/1.',
        );
      }
      posLevels = new Set(lower.map((l, i) => (TRUE_WORDS.has(l) ? i : -1)).filter((i) => i >= 0));
    }
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else if (posLevels.has(c)) out[i] = 1;
    }
  }
  if (missing > 0) {
    throw rolesError(`${missing} row${missing === 1 ? ' has' : 's have'} no value in the prediction column '${name}'.`, 'Every row needs a decision; remove those rows or fill them in.');
  }
  return out;
}

/** What a score column is: P(positive) in [0, 1], or a 0/1 decision. */
export type ScoreKind = 'score' | 'decision';

/**
 * A score column as a model: the manifest (one numeric feature, the column itself, with mean 0
 * and std 1 so its encoding is the value; output 'probability'; threshold 0.5, which on 0/1
 * decisions selects exactly the 1s) and a scorer that returns its input. Every consumer of a
 * model (scores, audit, slices, call lists, group thresholds) then reads the column unchanged.
 *
 * The column is checked first (scoreColumn / predictionColumn, page wording). A decision
 * column is read by the encoding as numbers (0/1, or true/false words of a boolean column); a
 * text column whose decisions the encoding would not read as 0/1 (e.g. 'call'/'skip') is
 * refused rather than scored as all zeros.
 */
export function scoreColumnModel(table: ColumnTable, column: string, kind: ScoreKind, target: { column: string; positive: string }): { manifest: Manifest; scorer: Scorer } {
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    name: `${kind === 'score' ? 'scores' : 'decisions'} from column '${column}'`,
    description: `The ${kind === 'score' ? 'score (P(positive))' : '0/1 decision'} is read from the data's column '${column}'; there is no model to call.`,
    target: { column: target.column, positive: target.positive },
    features: [{ column, kind: 'numeric', mean: 0, std: 1 }],
    output: 'probability',
    threshold: 0.5,
    model: { format: 'scores', scoreColumn: column, scoreKind: kind },
  };
  if (kind === 'score') scoreColumn(table, column);
  else checkDecisionsEncode(table, column, target.positive);
  return { manifest, scorer: identityScorer() };
}

/**
 * Throws when the encoding would read a decision column differently from its decisions: the
 * encoding reads text through its levels' numbers (and true/false words of a boolean column),
 * so 'call'/'skip' would encode as missing, i.e. 0, on every row.
 */
function checkDecisionsEncode(table: ColumnTable, column: string, positive: string): void {
  const decisions = predictionColumn(table, column, positive);
  const col = findColumn(table, column)!;
  if (col.type === 'numeric') return; // predictionColumn accepted only 0 and 1
  const value = levelsAsNumbers(col);
  for (let i = 0; i < decisions.length; i++) {
    if (value[col.codes[i]] !== decisions[i]) {
      throw rolesError(
        `The decision column '${column}' holds '${col.levels[col.codes[i]]}' (data row ${i + 1}), which is not read as a 0/1 decision.`,
        'Use a column of 0/1 (or true/false) decisions, or change its type to boolean in the data panel.',
      );
    }
  }
}

/** The scorer of a score column: P(positive) is the encoded value itself (one input per row). */
function identityScorer(): Scorer {
  return {
    nFeatures: 1,
    predict(X: Float32Array, nRows: number): Promise<Float32Array> {
      return Promise.resolve(X.slice(0, nRows));
    },
    dispose() {},
  };
}
