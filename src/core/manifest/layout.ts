/**
 * The layout of the encoded row: where each manifest feature's inputs sit (1 per numeric
 * feature, one per category of a categorical feature, in manifest order).
 */
import type { Manifest, ManifestFeature } from './types';

/** Number of model inputs the manifest encodes: 1 per numeric, #categories per categorical. */
export function manifestWidth(m: Manifest): number {
  let w = 0;
  for (const f of m.features) w += f.kind === 'categorical' ? f.categories.length : 1;
  return w;
}

export interface FeatureSlice {
  column: string;
  kind: ManifestFeature['kind'];
  /** first input of this feature in the encoded row */
  start: number;
  /** one past the last input */
  end: number;
}

/** For each manifest feature (in order), its [start, end) in the encoded row. */
export function featureSlices(m: Manifest): FeatureSlice[] {
  const out: FeatureSlice[] = [];
  let at = 0;
  for (const f of m.features) {
    const w = f.kind === 'categorical' ? f.categories.length : 1;
    out.push({ column: f.column, kind: f.kind, start: at, end: at + w });
    at += w;
  }
  return out;
}

/** "age 1, job 12, marital 3, ..." — how the width adds up, for error messages. */
export function describeWidth(m: Manifest, max = 12): string {
  const parts = featureSlices(m).map((s) => `${s.column} ${s.end - s.start}`);
  return parts.length > max ? `${parts.slice(0, max).join(', ')}, ... ${parts.length - max} more` : parts.join(', ');
}
