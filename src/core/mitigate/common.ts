/**
 * Shared checks of the mitigation functions. Programming mistakes (mismatched lengths, codes
 * out of range) are 'internal'; choices a person made (a cell asked for that has no rows, a
 * scenario that names a missing column) are 'roles-invalid', with a hint.
 */
import { WorkbenchError } from '../errors';

export function internal(message: string): WorkbenchError {
  return new WorkbenchError('internal', message);
}

export function invalid(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** Checks labels / group codes / optional weights agree in length and range. */
export function checkRows(
  labels: ArrayLike<number>,
  groupCodes: Int32Array,
  nGroups: number,
  weights?: ArrayLike<number>,
): void {
  const n = labels.length;
  if (!Number.isInteger(nGroups) || nGroups < 0) throw internal(`nGroups must be a whole number ≥ 0, not ${nGroups}`);
  if (groupCodes.length !== n) throw internal(`groupCodes has ${groupCodes.length} rows, labels ${n}`);
  if (weights && weights.length !== n) throw internal(`weights has ${weights.length} rows, labels ${n}`);
  for (let i = 0; i < n; i++) {
    const g = groupCodes[i];
    if (g < -1 || g >= nGroups) throw internal(`group code ${g} at row ${i} is outside [-1, ${nGroups})`);
    if (weights) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw internal(`weight ${w} at row ${i}: weights must be finite and ≥ 0`);
    }
  }
}
