/**
 * `bias-workbench generate`: synthetic CRM leads with bias knobs (core/simulate), written as
 * CSV: the observed outcome `converted` (what the CRM recorded), `town_size` (the audited
 * attribute), `zip3` (its proxy) and, with --truth, `converted_true` (the true outcome). The
 * knob flags are shared with `simulate`.
 */
import {
  BASE_RATE_GAP_RANGE,
  generateLeads,
  leadsToCsv,
  MAX_LEADS,
  TOWN_SIZES,
  type GeneratedLeads,
  type LeadKnobs,
  type TownSize,
} from '../core/simulate';
import { count, pct } from '../core/format';
import { splitList, writeResult } from './common';
import { RANGES, UsageError, numberFlag, optString, parseFlags, type FlagValues } from './flags';

/** The flags that set the lead knobs (generate and simulate). */
export const KNOB_FLAGS = {
  leads: { type: 'string' },
  seed: { type: 'string' },
  representation: { type: 'string' },
  disfavoured: { type: 'string' },
  'base-rate-gap': { type: 'string' },
  'historical-bias': { type: 'string' },
  'proxy-strength': { type: 'string' },
  'label-bias': { type: 'string' },
  noise: { type: 'string' },
} as const;

const OPTIONS = { ...KNOB_FLAGS, truth: { type: 'boolean' }, out: { type: 'string' } } as const;

/** --representation a,b,c,d: one share ≥ 0 per town size, summing to 1. */
function representationFlag(values: FlagValues): number[] | undefined {
  const v = optString(values, 'representation');
  if (v === undefined) return undefined;
  const parts = splitList(v);
  const shares = parts.map((p) => (/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(p) ? Number(p) : NaN));
  const sum = shares.reduce((a, b) => a + b, 0);
  if (shares.length !== TOWN_SIZES.length || !shares.every((x) => Number.isFinite(x) && x >= 0) || Math.abs(sum - 1) > 1e-6) {
    throw new UsageError(`--representation must be ${TOWN_SIZES.length} shares ≥ 0 that sum to 1 (${TOWN_SIZES.join(', ')}), not "${v}"`);
  }
  return shares;
}

/** --disfavoured: a town size ('small town' or small-town). */
function disfavouredFlag(values: FlagValues): TownSize | undefined {
  const v = optString(values, 'disfavoured');
  if (v === undefined) return undefined;
  const name = v.trim().toLowerCase().replace(/[-_]+/g, ' ');
  const t = TOWN_SIZES.find((x) => x === name);
  if (!t) throw new UsageError(`--disfavoured must be one of ${TOWN_SIZES.map((x) => x.replace(' ', '-')).join(', ')}, not "${v}"`);
  return t;
}

/** The knobs the flags set (absent flags left out: the core's defaults apply). */
export function knobsFromFlags(values: FlagValues): Partial<LeadKnobs> {
  const knobs: Partial<LeadKnobs> = {
    leads: numberFlag(values, 'leads', { whole: true, min: 1, max: MAX_LEADS }),
    seed: numberFlag(values, 'seed', RANGES.seed),
    representation: representationFlag(values),
    disfavoured: disfavouredFlag(values),
    baseRateGap: numberFlag(values, 'base-rate-gap', { min: BASE_RATE_GAP_RANGE.min, max: BASE_RATE_GAP_RANGE.max }),
    historicalBias: numberFlag(values, 'historical-bias', RANGES.probability),
    proxyStrength: numberFlag(values, 'proxy-strength', RANGES.probability),
    labelBias: numberFlag(values, 'label-bias', RANGES.probability),
    noise: numberFlag(values, 'noise', RANGES.probability),
  };
  return Object.fromEntries(Object.entries(knobs).filter(([, x]) => x !== undefined)) as Partial<LeadKnobs>;
}

/** One line per town size on standard error: share of leads, true and recorded conversion, calls. */
function summary(g: GeneratedLeads): string {
  const lines = TOWN_SIZES.map((t, code) => {
    let n = 0;
    let truth = 0;
    let recorded = 0;
    let called = 0;
    for (let i = 0; i < g.townCodes.length; i++) {
      if (g.townCodes[i] !== code) continue;
      n++;
      truth += g.truth[i];
      recorded += g.observed[i];
      called += g.called[i];
    }
    const share = (x: number): string => (n > 0 ? pct(x / n) : 'undefined');
    return `  ${t.padEnd(10)} ${count(n).padStart(9)} leads  truly convert ${share(truth).padStart(6)}  recorded ${share(recorded).padStart(6)}  called in the past ${share(called).padStart(6)}`;
  });
  return lines.join('\n') + '\n';
}

export async function generateCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, OPTIONS);
  const knobs = knobsFromFlags(values);
  const truth = values.truth === true;
  const out = optString(values, 'out');
  const g = generateLeads(knobs);
  await writeResult(leadsToCsv(g, { truth }), out);
  const k = g.knobs;
  process.stderr.write(
    `generated ${count(k.leads)} leads (seed ${k.seed}; disfavoured '${k.disfavoured}', historical bias ${k.historicalBias}, proxy strength ${k.proxyStrength}, ` +
      `label bias ${k.labelBias}, base-rate gap ${k.baseRateGap}, noise ${k.noise})${out ? ` → ${out}` : ''}\n${summary(g)}`,
  );
  return 0;
}
