/** The fairlearn 0.9 reference (test/fixtures/peer/fairness_ref.out.json), typed for the tests that compare with it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const peerDir = fileURLToPath(new URL('../fixtures/peer/', import.meta.url));

export interface RefGroup {
  key: string;
  values: Record<string, string>;
  metrics: Record<string, number | null>;
}
export interface RefAnalysis {
  name: string;
  sensitive_features: string[];
  n_groups: number;
  overall: Record<string, number | null>;
  by_group: RefGroup[];
  per_metric: Record<string, Record<string, number | null>>;
  aggregates: { between_groups: Record<string, number | null>; to_overall: Record<string, number | null> };
}

export const fairnessRef = JSON.parse(readFileSync(peerDir + 'fairness_ref.out.json', 'utf8')) as { analyses: RefAnalysis[] };
