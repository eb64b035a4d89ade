/**
 * The feedback loop, as properties (never hand-picked numbers): with no bias the calls are
 * fair within sampling noise; with historical bias and a strong proxy the gap holds and the
 * CRM understates the disfavoured group most; the remedies narrow the gap against the same
 * seed; same settings → same numbers; every tensor is disposed. Small batches, few rounds,
 * the logistic model.
 */
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import {
  batchSeed,
  generateLeads,
  neutralLeadKnobs,
  resolveSimulationConfig,
  simulate,
  SIMULATION_FORMAT,
  TOWN_SIZES,
  type RoundResult,
  type SimulationRequest,
  type SimulationResult,
} from '../../src/core/simulate';
import { setupTfAndCheckLeaks } from './tf-setup';
import { problem } from './synthetic';

setupTfAndCheckLeaks();

const LEADS = 4000;
const ROUNDS = 4;
const CAPACITY = 0.2;

/** z for the sampling bounds: a two-sided normal tail of about 7e-6 per group and round. */
const Z = 4.5;

/**
 * How far the demographic parity difference may stray from 0 by chance when the calls do not
 * depend on town size: K of N leads are called, so a group of n leads has a selection rate with
 * sd σ = √(p(1 − p)/n · (N − n)/(N − 1)) (hypergeometric, p = K/N). The difference between two
 * groups is within Z(σ_a + σ_b) when each is within Z σ of p; the widest pair is the two
 * smallest groups.
 */
function parityBound(groupSizes: number[], calls: number): number {
  const N = groupSizes.reduce((a, b) => a + b, 0);
  const p = calls / N;
  const sd = groupSizes.filter((n) => n >= 30).map((n) => Math.sqrt(((p * (1 - p)) / n) * ((N - n) / (N - 1)))).sort((a, b) => b - a);
  return Z * (sd[0] + sd[1]);
}

/** Leads per town size in round r's batch (the batch is drawn again from its seed). */
function sizesOf(r: RoundResult, result: SimulationResult): number[] {
  const { knobs } = result.config;
  const batch = generateLeads({ ...knobs, seed: batchSeed(knobs.seed, r.round) });
  return TOWN_SIZES.map((_, t) => batch.townCodes.filter((c) => c === t).length);
}

const D = TOWN_SIZES.indexOf('small town');

/**
 * The disfavoured group's gap: the selection rate of everyone else minus its own, with the sd
 * that chance alone gives it (σ_d² + σ_o², the two rates as independent binomial shares).
 */
function disfavouredGap(r: RoundResult, sizes: number[]): { gap: number; sd: number } {
  const others = sizes.reduce((a, n, t) => (t === D ? a : a + n), 0);
  const called = TOWN_SIZES.reduce((a, t, i) => (i === D ? a : a + r.selectionRate[t]! * sizes[i]), 0);
  const po = called / others;
  const pd = r.selectionRate['small town']!;
  const p = r.calls! / r.leads;
  return { gap: po - pd, sd: Math.sqrt((p * (1 - p)) / sizes[D] + (p * (1 - p)) / others) };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const dps = (s: SimulationResult): number[] => s.rounds.map((r) => r.demographicParityDifference!);

function run(request: SimulationRequest): Promise<SimulationResult> {
  return simulate({ rounds: ROUNDS, capacity: CAPACITY, ...request, knobs: { leads: LEADS, ...request.knobs } });
}

/**
 * Strong bias (past reps called small towns a tenth as often; zip3 names the town size), so
 * the properties show far above sampling noise at these small batches. The demo's milder
 * defaults are measured, not tested, in bench/simulate.ts and the CLI.
 */
const biased = { historicalBias: 0.9, proxyStrength: 1, leads: LEADS, seed: 3 };

describe('simulate: the loop without bias', () => {
  it('every bias knob at 0: the parity gap stays within the sampling bound of the group sizes in every round', async () => {
    const s = await run({ knobs: { ...neutralLeadKnobs, leads: LEADS, seed: 2 }, seed: 2 });
    expect(s.rounds).toHaveLength(ROUNDS);
    for (const r of s.rounds) {
      const bound = parityBound(sizesOf(r, s), r.calls!);
      expect(r.demographicParityDifference).not.toBeNull();
      expect(r.demographicParityDifference!).toBeLessThanOrEqual(bound);
      expect(r.calls!).toBe(Math.round(CAPACITY * LEADS));
    }
  });

  it('reps who ignore the list (repFollow 0) call fairly even when the history is biased', async () => {
    const s = await run({ knobs: biased, repFollow: 0, seed: 4 });
    for (const r of s.rounds) expect(r.demographicParityDifference!).toBeLessThanOrEqual(parityBound(sizesOf(r, s), r.calls!));
  });
});

describe('simulate: the loop with historical bias and a strong proxy', () => {
  let none: SimulationResult;
  const baseline = async (): Promise<SimulationResult> => (none ??= await run({ knobs: biased, seed: 5 }));

  it('the gap is real in every round, does not shrink over rounds, and the disfavoured group is called least', async () => {
    const s = await baseline();
    const gaps = s.rounds.map((r) => disfavouredGap(r, sizesOf(r, s)));
    const first = gaps[0];
    s.rounds.forEach((r, i) => {
      const { gap, sd } = gaps[i];
      expect(gap).toBeGreaterThan(Z * sd); // not chance
      // no smaller than the first round's, beyond what chance moves a difference of two rounds
      expect(gap).toBeGreaterThanOrEqual(first.gap - Z * Math.sqrt(sd * sd + first.sd * first.sd));
      expect(r.demographicParityDifference!).toBeGreaterThan(parityBound(sizesOf(r, s), r.calls!));
      const rates = TOWN_SIZES.map((t) => r.selectionRate[t]!);
      expect(Math.min(...rates)).toBe(r.selectionRate['small town']);
    });
  });

  it('the disfavoured group\'s observed conversion rate understates its true rate more than any other group\'s', async () => {
    const s = await baseline();
    for (const r of s.rounds) {
      const understated = (t: string): number => 1 - r.observedConversionRate[t]! / r.trueConversionRate[t]!;
      for (const t of TOWN_SIZES) if (t !== 'small town') expect(understated('small town')).toBeGreaterThan(understated(t));
    }
  });

  it('exploration narrows the gap against the same seed', async () => {
    const s = await baseline();
    const explored = await run({ knobs: biased, seed: 5, remedy: 'exploration', exploration: 0.3 });
    expect(mean(dps(explored))).toBeLessThan(mean(dps(s)));
    expect(mean(explored.rounds.map((r) => r.selectionRate['small town']!))).toBeGreaterThan(mean(s.rounds.map((r) => r.selectionRate['small town']!)));
  });

  it('reweighing and group thresholds narrow the gap against the same seed; thresholds bring it within sampling noise', async () => {
    const s = await baseline();
    const reweighed = await run({ knobs: biased, seed: 5, remedy: 'reweigh' });
    expect(mean(dps(reweighed))).toBeLessThan(mean(dps(s)));
    const thresholds = await run({ knobs: biased, seed: 5, remedy: 'group-thresholds' });
    thresholds.rounds.forEach((r, i) => {
      expect(r.calls!).toBe(Math.round(CAPACITY * LEADS));
      expect(r.demographicParityDifference!).toBeLessThan(s.rounds[i].demographicParityDifference!);
      expect(r.demographicParityDifference!).toBeLessThanOrEqual(parityBound(sizesOf(r, thresholds), r.calls!));
    });
  });

  it('missed conversions: every group\'s true converters minus those called, as the history shows', async () => {
    const s = await baseline();
    const h = generateLeads(s.config.knobs);
    TOWN_SIZES.forEach((t, g) => {
      let missed = 0;
      let called = 0;
      let n = 0;
      for (let i = 0; i < h.truth.length; i++) {
        if (h.townCodes[i] !== g) continue;
        n++;
        called += h.called[i];
        if (h.truth[i] === 1 && h.called[i] === 0) missed++;
      }
      expect(s.history!.missedConversions[t]).toBe(missed);
      expect(s.history!.selectionRate[t]).toBeCloseTo(called / n, 12);
    });
    expect(s.history!.round).toBe(0);
  });
});

describe('simulate: label policy, results and control', () => {
  it("'unknown' trains only on called leads: the pool grows by the calls of each round", async () => {
    const s = await run({ knobs: { ...biased, leads: 2000 }, labelPolicy: 'unknown', rounds: 3, seed: 6 });
    const h = generateLeads({ ...biased, leads: 2000 });
    const historyCalls = h.called.reduce((a, b) => a + b, 0);
    s.rounds.forEach((r, i) => expect(r.trainingRows).toBe(historyCalls + i * r.calls!));
    const negative = await run({ knobs: { ...biased, leads: 2000 }, rounds: 2, seed: 6 });
    negative.rounds.forEach((r, i) => expect(r.trainingRows).toBe(2000 * (i + 1)));
  });

  it('same settings → the same numbers (timings aside); another seed → other numbers', async () => {
    const request: SimulationRequest = { knobs: { ...biased, leads: 1500 }, rounds: 2, seed: 7, remedy: 'exploration' };
    const strip = (s: SimulationResult): unknown => ({ ...s, timings: null });
    const a = await run(request);
    const b = await run(request);
    expect(strip(b)).toEqual(strip(a));
    expect(a.timings.perRoundMs).toHaveLength(2);
    const c = await run({ ...request, seed: 8 });
    expect(strip(c)).not.toEqual(strip(a));
  });

  it('writes the documented result: format, groups, disfavoured, the settings with defaults, rounds from 1', async () => {
    const rounds: number[] = [];
    const s = await run({ knobs: { leads: 1000, seed: 9 }, rounds: 2 });
    expect(s.format).toBe(SIMULATION_FORMAT);
    expect(s.protected).toBe('town_size');
    expect(s.groups).toEqual([...TOWN_SIZES]);
    expect(s.disfavoured).toBe('small town');
    expect(s.config).toEqual(resolveSimulationConfig({ rounds: 2, capacity: CAPACITY, knobs: { leads: 1000, seed: 9 } }));
    expect(s.rounds.map((r) => r.round)).toEqual([1, 2]);
    const t = await simulate({ rounds: 2, knobs: { leads: 1000 } }, { onRound: (r, p) => rounds.push(r.round * 10 + p.rounds) });
    expect(rounds).toEqual([12, 22]);
    expect(t.stoppedEarly).toBe(false);
  });

  it('stops when asked: before the first round it throws aborted, later it returns the rounds so far', async () => {
    await expect(simulate({ rounds: 2, knobs: { leads: 800 } }, { shouldStop: () => true })).rejects.toMatchObject({ code: 'aborted' });
    let done = 0;
    const s = await simulate({ rounds: 4, knobs: { leads: 800 } }, { onRound: () => done++, shouldStop: () => done >= 2 });
    expect(s.rounds).toHaveLength(2);
    expect(s.stoppedEarly).toBe(true);
  });

  it('refuses bad settings with a message and a hint', async () => {
    for (const [request, message] of [
      [{ rounds: 0 }, /rounds must be a whole number/],
      [{ capacity: 0 }, /capacity must be in \(0, 1\]/],
      [{ capacity: 0.0001, knobs: { leads: 100 } }, /calls nobody/],
      [{ exploration: 1.2 }, /exploration/],
      [{ repFollow: -1 }, /repFollow/],
      [{ remedy: 'magic' }, /remedy must be one of none, exploration, reweigh, group-thresholds/],
      [{ labelPolicy: 'maybe' }, /labelPolicy/],
      [{ model: 'forest' }, /model must be one of logistic, mlp/],
      [{ epochs: 0 }, /epochs/],
      [{ knobs: { noise: 3 } }, /noise/],
    ] as [SimulationRequest, RegExp][]) {
      const e = problem(() => resolveSimulationConfig(request));
      expect(e.message).toMatch(message);
      expect(e.hint).toBeTruthy();
      await expect(simulate(request)).rejects.toBeInstanceOf(WorkbenchError);
    }
  });
});
