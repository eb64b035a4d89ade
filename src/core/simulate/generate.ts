/**
 * Synthetic CRM leads with a known truth: every lead has a latent propensity to convert, a
 * true outcome (would it buy if called), the history of past calls and what the CRM recorded.
 *
 * How a batch is drawn (each stage from its own seeded stream, so moving one knob changes only
 * what that knob governs; the same knobs and seed give the same batch on every platform):
 *
 * 1. town: `town_size` from `representation`.
 * 2. place: `region` (north 30 %, south 25 %, east 25 %, west 20 %), independent of the town
 *    size; then `zip3`, one of the region's 10 ZIP prefixes (written like `113xx`). Each town
 *    size owns some prefixes of every region (metro 4, suburban 3, small town 2, rural 1).
 *    With probability `proxyStrength` the prefix is drawn among the lead's own town size's
 *    prefixes, otherwise among all 10 of the region: at 0 zip3 says nothing about town size,
 *    at 1 it names it.
 * 3. source: `lead_source` from the shares common to everyone, or, with probability
 *    `proxyStrength / 2`, from its town size's typical shares (metro leads come from paid
 *    search and social ads, small-town and rural leads from events), so it is a weaker proxy.
 *    The typical shares differ only among sources of equal effect on the propensity, so no
 *    knob but the base-rate gap makes one town size's leads better than another's.
 * 4. profile: `channel`, `income_band`, `product_interest`, `age_band`, `gender`, independent
 *    of everything above (age band and gender are there to be audited; they move nothing).
 * 5. engagement: a latent interest e ~ N(0, 1) drives `pages_viewed` ~ Poisson(e^(1.3+0.45e)),
 *    `email_opens` ~ Poisson(e^(0.6+0.5e)) and `days_since_contact` ~ ⌊30·e^(−0.35e)·Exp(1)⌋
 *    (at most 365).
 * 6. propensity: s = 0.6·ln(1+pages) + 0.5·ln(1+opens) − 0.4·ln(1+days) + effects of lead
 *    source, income band and product interest (tables below), scaled by a fixed constant to
 *    ŝ (sd ≈ 1); the log-odds are
 *        a_g + 1.3·(√(1 − noise)·ŝ + √noise·z),  z ~ N(0, 1),
 *    with one intercept a_g per town size solved (Newton's method) so that the group's mean
 *    propensity in this batch equals its target: BASE_CONVERSION_RATE (12 %), plus
 *    `baseRateGap` for the disfavoured group. So the true base rates match the knobs exactly in
 *    expectation, whatever the proxies do.
 * 7. outcome: `converted_true` ~ Bernoulli(propensity): whether the lead converts if called.
 * 8. history: past reps called a lead with probability 0.3·(0.5 + q)·(1 − historicalBias·[in
 *    the disfavoured group]), q = the lead's rank by propensity in the batch (0 … 1: reps' own
 *    judgement favours good leads; 30 % of the leads of the other groups are called).
 *    `converted` (what the CRM holds) is 'yes' only for a called lead that converted and whose
 *    conversion was recorded: the disfavoured group's conversions go unrecorded with
 *    probability `labelBias`. An uncalled lead is 'no' (the CRM's "not converted").
 *
 * Levels of categorical columns are ordered as the CSV reader orders them, so a batch and its
 * CSV read back are the same table.
 */
import { levelOrder, reorder } from '../csv/values';
import { stageSeed } from '../mitigate/scenario-run';
import { createRng, type Rng } from '../rng';
import type { CategoricalColumn, Column, ColumnTable, NumericColumn } from '../table';
import { resolveLeadKnobs, targetConversionRates, TOWN_SIZES, type LeadKnobs } from './knobs';

/** A generated batch: the table and the arrays the loop and the tests read. */
export interface GeneratedLeads {
  /**
   * columns: lead_id, lead_source, channel, pages_viewed, email_opens, days_since_contact,
   * income_band, product_interest, region, town_size, zip3, age_band, gender, called
   * (history), converted (observed: 'yes'/'no'), converted_true ('yes'/'no')
   */
  table: ColumnTable;
  /** true outcome per row (1 = converts when called) */
  truth: Uint8Array;
  /** latent true P(convert) */
  propensity: Float64Array;
  /** what the CRM recorded: 1 only for a called lead that converted and was recorded */
  observed: Uint8Array;
  /** historically called (1) or not */
  called: Uint8Array;
  /** index into TOWN_SIZES */
  townCodes: Int32Array;
  /** the knobs the batch was drawn with, defaults filled in */
  knobs: LeadKnobs;
}

/** Columns a lead-scoring model may use: everything known before the call, but not town size, age band or gender. */
export const LEAD_FEATURES = [
  'lead_source',
  'channel',
  'pages_viewed',
  'email_opens',
  'days_since_contact',
  'income_band',
  'product_interest',
  'region',
  'zip3',
] as const;

/** The CSV's observed target and its positive value. */
export const LEAD_TARGET = { column: 'converted', positive: 'yes' } as const;

// ---------------------------------------------------------------------------------------
// vocabularies (natural order; effects on the log-odds)

const LEAD_SOURCES = ['web form', 'paid search', 'social ad', 'event', 'referral', 'partner', 'purchased list'];
const SOURCE_EFFECT = [0.1, 0.1, 0.1, 0.1, 0.5, 0.2, -0.6];
const SOURCE_SHARES = [0.2, 0.15, 0.1, 0.1, 0.15, 0.1, 0.2];
/**
 * each town size's typical sources, in TOWN_SIZES order: they differ only among the first four
 * sources, which have the same effect, so a lead's source says something about its town size
 * but the distribution of its propensity is the same in every town size
 */
const SOURCE_SHARES_BY_TOWN = [
  [0.15, 0.22, 0.15, 0.03, 0.15, 0.1, 0.2],
  [0.2, 0.15, 0.12, 0.08, 0.15, 0.1, 0.2],
  [0.2, 0.05, 0.05, 0.25, 0.15, 0.1, 0.2],
  [0.22, 0.04, 0.04, 0.25, 0.15, 0.1, 0.2],
];
/** lead_source follows the town's typical shares with probability proxyStrength × this */
const SOURCE_TILT = 0.5;

const CHANNELS = ['phone', 'email', 'sms', 'chat'];
const CHANNEL_SHARES = [0.35, 0.4, 0.1, 0.15];
const INCOME_BANDS = ['under 25k', '25-50k', '50-100k', 'over 100k'];
const INCOME_SHARES = [0.2, 0.35, 0.3, 0.15];
const INCOME_EFFECT = [-0.25, 0, 0.15, 0.3];
const INTERESTS = ['basic', 'plus', 'premium'];
const INTEREST_SHARES = [0.5, 0.3, 0.2];
const INTEREST_EFFECT = [-0.15, 0.1, 0.35];
const REGIONS = ['north', 'south', 'east', 'west'];
const REGION_SHARES = [0.3, 0.25, 0.25, 0.2];
const AGE_BANDS = ['18-29', '30-44', '45-59', '60+'];
const AGE_SHARES = [0.22, 0.3, 0.28, 0.2];
const GENDERS = ['female', 'male'];
const GENDER_SHARES = [0.5, 0.5];
const YES_NO = ['no', 'yes'];

/** ZIP prefixes per region, and which town size owns each (index into TOWN_SIZES). */
const PREFIXES_PER_REGION = 10;
const PREFIX_OWNER = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
/** region r, prefix k → e.g. '113xx' (first digit 1, 3, 5, 7 by region) */
function zipLabel(r: number, k: number): string {
  return `${100 + 200 * r + 13 * k}xx`;
}
const ZIP_LEVELS = REGIONS.flatMap((_, r) => Array.from({ length: PREFIXES_PER_REGION }, (_, k) => zipLabel(r, k)));

/**
 * sd of s (measured on 200,000 leads with the common source shares); its mean needs no
 * constant, the group intercepts absorb it
 */
const SIGNAL_SD = 0.89;
/** scale of the latent log-odds around the intercept */
const SPREAD = 1.3;
/** share of the other groups' leads past reps called */
const HISTORY_CALL_RATE = 0.3;

/** Stage numbers, for the per-stage seeds. */
const STAGE = { town: 1, place: 2, source: 3, profile: 4, engagement: 5, latent: 6, outcome: 7, history: 8, record: 9 } as const;

// ---------------------------------------------------------------------------------------
// draws

/** Index drawn from `shares` (a CDF walk) with the uniform u. */
function pick(shares: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < shares.length - 1; i++) {
    acc += shares[i];
    if (u < acc) return i;
  }
  return shares.length - 1;
}

/** A standard normal (Box–Muller; two uniforms). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Poisson(mean) by Knuth's product of uniforms (means here stay below ~30). */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

// ---------------------------------------------------------------------------------------
// stages

/** Stage 1: town size codes from the representation. */
function drawTowns(k: LeadKnobs): Int32Array {
  const rng = createRng(stageSeed(k.seed, STAGE.town));
  const out = new Int32Array(k.leads);
  for (let i = 0; i < k.leads; i++) out[i] = pick(k.representation, rng.next());
  return out;
}

/** Stage 2: region and zip3 codes (zip3 code = region · 10 + prefix). */
function drawPlaces(k: LeadKnobs, towns: Int32Array): { region: Int32Array; zip: Int32Array } {
  const rng = createRng(stageSeed(k.seed, STAGE.place));
  const own = TOWN_SIZES.map((_, t) => PREFIX_OWNER.flatMap((o, p) => (o === t ? [p] : [])));
  const region = new Int32Array(k.leads);
  const zip = new Int32Array(k.leads);
  for (let i = 0; i < k.leads; i++) {
    const r = pick(REGION_SHARES, rng.next());
    const fromOwn = rng.next() < k.proxyStrength;
    const u = rng.next();
    const pool = own[towns[i]];
    const prefix = fromOwn ? pool[Math.floor(u * pool.length)] : Math.floor(u * PREFIXES_PER_REGION);
    region[i] = r;
    zip[i] = r * PREFIXES_PER_REGION + prefix;
  }
  return { region, zip };
}

/** Stage 3: lead source, tilted towards the town's typical sources with probability proxyStrength / 2. */
function drawSources(k: LeadKnobs, towns: Int32Array): Int32Array {
  const rng = createRng(stageSeed(k.seed, STAGE.source));
  const out = new Int32Array(k.leads);
  for (let i = 0; i < k.leads; i++) {
    const tilted = rng.next() < k.proxyStrength * SOURCE_TILT;
    out[i] = pick(tilted ? SOURCE_SHARES_BY_TOWN[towns[i]] : SOURCE_SHARES, rng.next());
  }
  return out;
}

interface Profile {
  channel: Int32Array;
  income: Int32Array;
  interest: Int32Array;
  age: Int32Array;
  gender: Int32Array;
}

/** Stage 4: columns independent of town size and of each other. */
function drawProfile(k: LeadKnobs): Profile {
  const rng = createRng(stageSeed(k.seed, STAGE.profile));
  const n = k.leads;
  const p: Profile = { channel: new Int32Array(n), income: new Int32Array(n), interest: new Int32Array(n), age: new Int32Array(n), gender: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    p.channel[i] = pick(CHANNEL_SHARES, rng.next());
    p.income[i] = pick(INCOME_SHARES, rng.next());
    p.interest[i] = pick(INTEREST_SHARES, rng.next());
    p.age[i] = pick(AGE_SHARES, rng.next());
    p.gender[i] = pick(GENDER_SHARES, rng.next());
  }
  return p;
}

interface Engagement {
  pages: Float64Array;
  opens: Float64Array;
  days: Float64Array;
}

/** Stage 5: engagement counts driven by one latent interest per lead. */
function drawEngagement(k: LeadKnobs): Engagement {
  const rng = createRng(stageSeed(k.seed, STAGE.engagement));
  const n = k.leads;
  const g: Engagement = { pages: new Float64Array(n), opens: new Float64Array(n), days: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const e = normal(rng);
    g.pages[i] = poisson(rng, Math.exp(1.3 + 0.45 * e));
    g.opens[i] = poisson(rng, Math.exp(0.6 + 0.5 * e));
    g.days[i] = Math.min(365, Math.floor(-30 * Math.exp(-0.35 * e) * Math.log(1 - rng.next())));
  }
  return g;
}

/** The signal s of one lead (before standardisation). */
function signalOf(eng: Engagement, source: number, income: number, interest: number, i: number): number {
  return (
    0.6 * Math.log1p(eng.pages[i]) +
    0.5 * Math.log1p(eng.opens[i]) -
    0.4 * Math.log1p(eng.days[i]) +
    SOURCE_EFFECT[source] +
    INCOME_EFFECT[income] +
    INTEREST_EFFECT[interest]
  );
}

/**
 * The intercept a with mean_i sigmoid(a + x_i) = target over `x` (safeguarded Newton: the mean
 * is increasing in a, so a bracket [lo, hi] is kept and a bisection step taken when Newton
 * leaves it).
 */
export function solveIntercept(x: Float64Array, target: number): number {
  if (x.length === 0) return 0;
  let lo = -40;
  let hi = 40;
  let a = Math.log(target / (1 - target)) - x.reduce((s, v) => s + v, 0) / x.length;
  for (let it = 0; it < 100; it++) {
    let m = 0;
    let d = 0;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(a + x[i]);
      m += p;
      d += p * (1 - p);
    }
    m /= x.length;
    d /= x.length;
    const f = m - target;
    if (Math.abs(f) < 1e-12) break;
    if (f > 0) hi = a;
    else lo = a;
    let next = a - f / d;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - a) < 1e-13) break;
    a = next;
  }
  return a;
}

/** Stage 6: latent propensity, group intercepts solved so each group's mean meets its target rate. */
function drawPropensity(k: LeadKnobs, towns: Int32Array, x: { eng: Engagement; source: Int32Array; profile: Profile }): Float64Array {
  const rng = createRng(stageSeed(k.seed, STAGE.latent));
  const n = k.leads;
  const wSignal = SPREAD * Math.sqrt(1 - k.noise);
  const wNoise = SPREAD * Math.sqrt(k.noise);
  const latent = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = signalOf(x.eng, x.source[i], x.profile.income[i], x.profile.interest[i], i) / SIGNAL_SD;
    latent[i] = wSignal * s + wNoise * normal(rng);
  }
  const targets = targetConversionRates(k);
  const out = new Float64Array(n);
  TOWN_SIZES.forEach((_, t) => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (towns[i] === t) rows.push(i);
    const a = solveIntercept(Float64Array.from(rows, (i) => latent[i]), targets[t]);
    for (const i of rows) out[i] = sigmoid(a + latent[i]);
  });
  return out;
}

/** Stage 7: the true outcomes. */
function drawTruth(k: LeadKnobs, propensity: Float64Array): Uint8Array {
  const rng = createRng(stageSeed(k.seed, STAGE.outcome));
  const out = new Uint8Array(k.leads);
  for (let i = 0; i < k.leads; i++) out[i] = rng.next() < propensity[i] ? 1 : 0;
  return out;
}

/** Rank of each value in [0, 1] (ties by row order); 0.5 for a single row. */
function ranks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const out = new Float64Array(n).fill(0.5);
  if (n > 1) order.forEach((row, r) => (out[row] = r / (n - 1)));
  return out;
}

/** Stage 8: the past reps' calls (their judgement follows the propensity; the disfavoured group is called less). */
function drawHistory(k: LeadKnobs, towns: Int32Array, propensity: Float64Array): Uint8Array {
  const rng = createRng(stageSeed(k.seed, STAGE.history));
  const q = ranks(propensity);
  const disfavoured = TOWN_SIZES.indexOf(k.disfavoured);
  const out = new Uint8Array(k.leads);
  for (let i = 0; i < k.leads; i++) {
    const p = HISTORY_CALL_RATE * (0.5 + q[i]) * (towns[i] === disfavoured ? 1 - k.historicalBias : 1);
    out[i] = rng.next() < p ? 1 : 0;
  }
  return out;
}

/** What the CRM records for a set of calls: label bias acts on the disfavoured group's conversions. */
export interface RecordInput {
  truth: Uint8Array;
  called: Uint8Array;
  townCodes: Int32Array;
  /** index into TOWN_SIZES */
  disfavoured: number;
  labelBias: number;
}

/**
 * 1 where the lead was called, converted, and the conversion was recorded: every conversion of
 * the other groups is recorded; one of the disfavoured group with probability 1 − labelBias
 * (one uniform per row, so the draw does not depend on who was called).
 */
export function recordOutcomes(input: RecordInput, rng: Rng): Uint8Array {
  const { truth, called, townCodes, disfavoured, labelBias } = input;
  const out = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) {
    const u = rng.next();
    const recorded = townCodes[i] !== disfavoured || u >= labelBias;
    out[i] = called[i] === 1 && truth[i] === 1 && recorded ? 1 : 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// table

/** A categorical (or yes/no boolean) column with its levels ordered as the CSV reader orders them. */
function categorical(name: string, codes: Int32Array, levels: string[], type: 'categorical' | 'boolean' = 'categorical'): CategoricalColumn {
  const r = reorder(codes, levels, levelOrder(levels));
  return { type, name, codes: r.codes, levels: r.levels };
}

function numeric(name: string, values: Float64Array): NumericColumn {
  return { type: 'numeric', name, values };
}

function yesNo(name: string, v: Uint8Array): CategoricalColumn {
  return { type: 'boolean', name, codes: Int32Array.from(v), levels: [...YES_NO] };
}

/**
 * Draws one batch of leads (see the module comment). Seeded and deterministic; throws
 * 'roles-invalid' for a knob out of range (see resolveLeadKnobs).
 */
export function generateLeads(knobs: Partial<LeadKnobs> = {}): GeneratedLeads {
  const k = resolveLeadKnobs(knobs);
  const towns = drawTowns(k);
  const place = drawPlaces(k, towns);
  const source = drawSources(k, towns);
  const profile = drawProfile(k);
  const eng = drawEngagement(k);
  const propensity = drawPropensity(k, towns, { eng, source, profile });
  const truth = drawTruth(k, propensity);
  const called = drawHistory(k, towns, propensity);
  const disfavoured = TOWN_SIZES.indexOf(k.disfavoured);
  const observed = recordOutcomes({ truth, called, townCodes: towns, disfavoured, labelBias: k.labelBias }, createRng(stageSeed(k.seed, STAGE.record)));
  const columns: Column[] = [
    numeric('lead_id', Float64Array.from({ length: k.leads }, (_, i) => i + 1)),
    categorical('lead_source', source, LEAD_SOURCES),
    categorical('channel', profile.channel, CHANNELS),
    numeric('pages_viewed', eng.pages),
    numeric('email_opens', eng.opens),
    numeric('days_since_contact', eng.days),
    categorical('income_band', profile.income, INCOME_BANDS),
    categorical('product_interest', profile.interest, INTERESTS),
    categorical('region', place.region, REGIONS),
    categorical('town_size', towns, [...TOWN_SIZES]),
    categorical('zip3', place.zip, ZIP_LEVELS),
    categorical('age_band', profile.age, AGE_BANDS),
    categorical('gender', profile.gender, GENDERS),
    yesNo('called', called),
    yesNo('converted', observed),
    yesNo('converted_true', truth),
  ];
  return { table: { nRows: k.leads, columns }, truth, propensity, observed, called, townCodes: towns, knobs: k };
}
