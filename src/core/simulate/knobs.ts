/**
 * The knobs of the synthetic CRM leads: what each one means in a CRM, its range, its default,
 * and the check that turns a partial set from a person (page, CLI) into a complete, valid one.
 *
 * The audited attribute is `town_size`; one of its groups is the *disfavoured* group, the
 * one past reps called less (historical bias), whose conversions the CRM records less often
 * (label bias), and whose true conversion rate may differ (base-rate gap).
 */
import { WorkbenchError } from '../errors';

/** The audited attribute's groups, where the lead lives. */
export type TownSize = 'metro' | 'suburban' | 'small town' | 'rural';

/** The groups of `town_size`, in this order (`townCodes` index into it). */
export const TOWN_SIZES: readonly TownSize[] = ['metro', 'suburban', 'small town', 'rural'];

/**
 * True conversion rate of every group but the disfavoured one (the disfavoured group's is this
 * plus `baseRateGap`). 12 %: a typical share of worked B2C leads that buy.
 */
export const BASE_CONVERSION_RATE = 0.12;

/** The knobs of one generated batch of leads. */
export interface LeadKnobs {
  /** rows (leads) in the batch; default 20,000 */
  leads: number;
  /** seed of every random draw; the same knobs and seed give the same leads; default 1 */
  seed: number;
  /** share of the leads in each town size, in TOWN_SIZES order, summing to 1; default [0.45, 0.3, 0.15, 0.1] */
  representation: number[];
  /** the group the biases act on; default 'small town' (the seed's story) */
  disfavoured: TownSize;
  /**
   * True conversion rate of the disfavoured group minus that of the others, in probability
   * (0.05 = five points more); default 0, as in the seed story ("conversion rates are average
   * or above").
   */
  baseRateGap: number;
  /**
   * 0..1: how much less past reps called the disfavoured group. A lead of that group was called
   * with (1 − historicalBias) times the probability of a lead like it elsewhere; 0 = as often
   * as anyone, 1 = never. Default 0.6 (the demo's story).
   */
  historicalBias: number;
  /**
   * 0..1: how well `zip3` (and, half as strongly, `lead_source`) reveal `town_size`. With
   * probability proxyStrength a lead's ZIP prefix is drawn from its own town size's prefixes,
   * otherwise from all prefixes of its region; 0 = no information, 1 = zip3 names the town
   * size. Default 0.8.
   */
  proxyStrength: number;
  /**
   * 0..1: share of the disfavoured group's true conversions the CRM does NOT record (a sale
   * closed by a partner or in a branch, never logged against the lead). Default 0.
   */
  labelBias: number;
  /**
   * 0..1: share of the variance of the latent log-odds of converting that no column explains
   * (what no CRM field captures); 0 = the columns tell all, 1 = they tell nothing. Default 0.3.
   */
  noise: number;
}

/** The demo's story: small towns called less in the past, zip3 a strong proxy, no base-rate gap. */
export const defaultLeadKnobs: LeadKnobs = {
  leads: 20_000,
  seed: 1,
  representation: [0.45, 0.3, 0.15, 0.1],
  disfavoured: 'small town',
  baseRateGap: 0,
  historicalBias: 0.6,
  proxyStrength: 0.8,
  labelBias: 0,
  noise: 0.3,
};

/** Every bias knob at 0 and no base-rate gap: the sanity case, and the page's "reset". */
export const neutralLeadKnobs: LeadKnobs = {
  ...defaultLeadKnobs,
  representation: [...defaultLeadKnobs.representation],
  baseRateGap: 0,
  historicalBias: 0,
  proxyStrength: 0,
  labelBias: 0,
};

/** Most leads in one batch (memory and time stay reasonable in a browser tab). */
export const MAX_LEADS = 1_000_000;

/** The lowest and highest true conversion rate the disfavoured group may get. */
const MIN_RATE = 0.01;
const MAX_RATE = 0.9;

/** Lowest and highest `baseRateGap` (the disfavoured group's rate stays in [1 %, 90 %]). */
export const BASE_RATE_GAP_RANGE = { min: round(MIN_RATE - BASE_CONVERSION_RATE), max: round(MAX_RATE - BASE_CONVERSION_RATE) } as const;

function bad(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

function checkUnit(name: string, x: number): void {
  if (!(x >= 0 && x <= 1)) throw bad(`${name} must be between 0 and 1, not ${x}`, `Choose ${name} in [0, 1].`);
}

/** Representation: one finite share ≥ 0 per town size, summing to 1 (within 1e-6). */
function checkRepresentation(r: unknown): number[] {
  if (!Array.isArray(r) || r.length !== TOWN_SIZES.length || !r.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
    throw bad(
      `representation must be ${TOWN_SIZES.length} shares ≥ 0 (${TOWN_SIZES.join(', ')}), not ${JSON.stringify(r)}`,
      'Give one share per town size, e.g. 0.45,0.3,0.15,0.1.',
    );
  }
  const sum = (r as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw bad(`representation must sum to 1, but sums to ${sum}`, 'Give shares that add up to 1, e.g. 0.45,0.3,0.15,0.1.');
  return [...(r as number[])];
}

/**
 * The knobs with defaults filled in, checked. Throws 'roles-invalid' with a hint for a value
 * out of range: leads a whole number in [1, 1,000,000]; seed a whole number in [0, 2³²);
 * representation as above; disfavoured one of TOWN_SIZES; baseRateGap such that the
 * disfavoured group's true rate stays in [1 %, 90 %]; the other knobs in [0, 1].
 */
export function resolveLeadKnobs(knobs: Partial<LeadKnobs> = {}): LeadKnobs {
  const k: LeadKnobs = { ...defaultLeadKnobs, ...stripUndefined(knobs) };
  if (!Number.isInteger(k.leads) || k.leads < 1 || k.leads > MAX_LEADS) {
    throw bad(`leads must be a whole number from 1 to ${MAX_LEADS}, not ${k.leads}`, 'Choose how many leads to generate, e.g. 20000.');
  }
  if (!Number.isInteger(k.seed) || k.seed < 0 || k.seed > 0xffffffff) {
    throw bad(`seed must be a whole number from 0 to 4294967295, not ${k.seed}`, 'Choose any whole number; the same seed gives the same leads.');
  }
  const representation = checkRepresentation(k.representation);
  if (!TOWN_SIZES.includes(k.disfavoured)) {
    throw bad(`the disfavoured group must be one of ${TOWN_SIZES.join(', ')}, not '${String(k.disfavoured)}'`, 'Choose a town size.');
  }
  if (!(k.baseRateGap >= BASE_RATE_GAP_RANGE.min && k.baseRateGap <= BASE_RATE_GAP_RANGE.max)) {
    throw bad(
      `baseRateGap must be between ${BASE_RATE_GAP_RANGE.min} and ${BASE_RATE_GAP_RANGE.max}, not ${k.baseRateGap}`,
      `The other groups convert at ${BASE_CONVERSION_RATE}; the disfavoured group's rate (${BASE_CONVERSION_RATE} + gap) must stay between ${MIN_RATE} and ${MAX_RATE}.`,
    );
  }
  checkUnit('historicalBias', k.historicalBias);
  checkUnit('proxyStrength', k.proxyStrength);
  checkUnit('labelBias', k.labelBias);
  checkUnit('noise', k.noise);
  return { ...k, representation };
}

/** The true conversion rate each group is generated with, in TOWN_SIZES order. */
export function targetConversionRates(k: Pick<LeadKnobs, 'disfavoured' | 'baseRateGap'>): number[] {
  return TOWN_SIZES.map((t) => (t === k.disfavoured ? BASE_CONVERSION_RATE + k.baseRateGap : BASE_CONVERSION_RATE));
}

/** A partial object without its undefined entries (so `{ seed: undefined }` keeps the default). */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
