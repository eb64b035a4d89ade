/**
 * The lead generator: its marginals match the knobs (within sampling bounds derived from the
 * group sizes), the proxy knob moves the proxy's normalised mutual information with town size
 * (measured by core's proxyStrength), each knob moves only what it governs, same seed → same
 * leads, and the CSV reads back as the same table.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/core/csv';
import { proxyStrength, type ProxyColumn } from '../../src/core/explain/proxy';
import {
  BASE_CONVERSION_RATE,
  defaultLeadKnobs,
  generateLeads,
  LEAD_FEATURES,
  leadsToCsv,
  neutralLeadKnobs,
  resolveLeadKnobs,
  TOWN_SIZES,
  type GeneratedLeads,
} from '../../src/core/simulate';
import type { CategoricalColumn, ColumnTable } from '../../src/core/table';
import { problem } from './synthetic';

/** z for the sampling bounds: a two-sided normal tail of about 7e-6 per check. */
const Z = 4.5;

function column(t: ColumnTable, name: string): CategoricalColumn {
  return t.columns.find((c) => c.name === name) as CategoricalColumn;
}

/** Per town size: leads, mean of `values` over them. */
function groupMeans(g: GeneratedLeads, values: ArrayLike<number>, rows: (i: number) => boolean = () => true): { n: number; mean: number }[] {
  return TOWN_SIZES.map((_, t) => {
    let n = 0;
    let s = 0;
    for (let i = 0; i < g.townCodes.length; i++) {
      if (g.townCodes[i] === t && rows(i)) {
        n++;
        s += values[i];
      }
    }
    return { n, mean: n > 0 ? s / n : NaN };
  });
}

function proxyColumns(t: ColumnTable, names: readonly string[]): ProxyColumn[] {
  return names.map((name) => {
    const c = t.columns.find((x) => x.name === name)!;
    return c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, nLevels: c.levels.length };
  });
}

const N = 20_000;

describe('generateLeads: marginals match the knobs', () => {
  const g = generateLeads({ ...defaultLeadKnobs, leads: N, seed: 11 });

  it('town sizes come in the shares of `representation`', () => {
    const counts = TOWN_SIZES.map((_, t) => g.townCodes.filter((c) => c === t).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    defaultLeadKnobs.representation.forEach((p, t) => {
      expect(Math.abs(counts[t] / N - p)).toBeLessThanOrEqual(Z * Math.sqrt((p * (1 - p)) / N));
    });
    // the table's town_size column says the same
    const col = column(g.table, 'town_size');
    for (let i = 0; i < 50; i++) expect(col.levels[col.codes[i]]).toBe(TOWN_SIZES[g.townCodes[i]]);
  });

  it('each group\'s mean propensity is its target rate, and the true outcomes agree within sampling error', () => {
    for (const gap of [0, 0.06, -0.05]) {
      const b = generateLeads({ leads: N, seed: 12, baseRateGap: gap });
      const target = TOWN_SIZES.map((t) => BASE_CONVERSION_RATE + (t === 'small town' ? gap : 0));
      groupMeans(b, b.propensity).forEach((m, t) => expect(m.mean).toBeCloseTo(target[t], 9));
      groupMeans(b, b.truth).forEach((m, t) => {
        expect(Math.abs(m.mean - target[t])).toBeLessThanOrEqual(Z * Math.sqrt((target[t] * (1 - target[t])) / m.n));
      });
    }
  });

  it('historical bias: the disfavoured group was called (1 − bias) times as often as the others', () => {
    for (const h of [0, 0.6, 1]) {
      const b = generateLeads({ leads: N, seed: 13, historicalBias: h });
      const d = TOWN_SIZES.indexOf('small town');
      const rates = groupMeans(b, b.called);
      let nOther = 0;
      let callsOther = 0;
      rates.forEach((r, t) => {
        if (t !== d) {
          nOther += r.n;
          callsOther += r.mean * r.n;
        }
      });
      const other = callsOther / nOther;
      const expected = (1 - h) * other;
      const sd = Math.sqrt((expected * (1 - expected)) / rates[d].n) + (1 - h) * Math.sqrt((other * (1 - other)) / nOther);
      expect(Math.abs(rates[d].mean - expected)).toBeLessThanOrEqual(Z * sd + 1e-12);
      expect(other).toBeGreaterThan(0.25); // 30 % of the other groups' leads were called
      expect(other).toBeLessThan(0.35);
    }
  });

  it('label bias: the disfavoured group\'s called converters are recorded with probability 1 − labelBias, everyone else\'s always', () => {
    const b = generateLeads({ leads: N, seed: 14, historicalBias: 0, labelBias: 0.4 });
    const d = TOWN_SIZES.indexOf('small town');
    const recorded = groupMeans(b, b.observed, (i) => b.called[i] === 1 && b.truth[i] === 1);
    recorded.forEach((r, t) => {
      if (t === d) expect(Math.abs(r.mean - 0.6)).toBeLessThanOrEqual(Z * Math.sqrt((0.6 * 0.4) / r.n));
      else expect(r.mean).toBe(1);
    });
    // nothing is recorded for a lead nobody called, nor for a lead that did not convert
    for (let i = 0; i < N; i++) if (b.observed[i] === 1) expect(b.called[i] === 1 && b.truth[i] === 1).toBe(true);
  });
});

describe('generateLeads: proxies', () => {
  const nmiOf = (proxy: number, name: string): number => {
    const b = generateLeads({ leads: N, seed: 21, proxyStrength: proxy });
    return proxyStrength(proxyColumns(b.table, [name]), b.townCodes).columns[0].nmi;
  };

  it('the NMI of zip3 with town_size rises with proxy strength, and zip3 names the town size at 1', () => {
    const strengths = [0, 0.25, 0.5, 0.75, 1];
    const nmi = strengths.map((p) => nmiOf(p, 'zip3'));
    for (let i = 1; i < nmi.length; i++) expect(nmi[i]).toBeGreaterThan(nmi[i - 1]);
    expect(nmi[0]).toBeLessThan(0.005);
    const b = generateLeads({ leads: N, seed: 21, proxyStrength: 1 });
    expect(proxyStrength(proxyColumns(b.table, ['zip3']), b.townCodes).columns[0].groupInformation).toBeCloseTo(1, 9);
  });

  it('lead_source is a weaker proxy that also rises with proxy strength', () => {
    const nmi = [0, 0.5, 1].map((p) => nmiOf(p, 'lead_source'));
    expect(nmi[1]).toBeGreaterThan(nmi[0]);
    expect(nmi[2]).toBeGreaterThan(nmi[1]);
    expect(nmi[2]).toBeLessThan(nmiOf(1, 'zip3'));
  });

  it('with every bias knob at 0, no model column tells anything about town size', () => {
    const b = generateLeads({ ...neutralLeadKnobs, leads: N, seed: 22 });
    const report = proxyStrength(proxyColumns(b.table, LEAD_FEATURES), b.townCodes);
    expect(report.columns).toHaveLength(LEAD_FEATURES.length);
    for (const c of report.columns) expect(c.nmi).toBeLessThan(0.005);
  });
});

describe('generateLeads: seeds and knobs', () => {
  it('same knobs and seed → the same leads; another seed → other leads', () => {
    const a = generateLeads({ leads: 3000, seed: 5 });
    const b = generateLeads({ leads: 3000, seed: 5 });
    expect(b).toEqual(a);
    const c = generateLeads({ leads: 3000, seed: 6 });
    expect(Array.from(c.truth)).not.toEqual(Array.from(a.truth));
  });

  it('a knob changes only what it governs (one random stream per stage)', () => {
    const a = generateLeads({ leads: 3000, seed: 5, historicalBias: 0, labelBias: 0 });
    const b = generateLeads({ leads: 3000, seed: 5, historicalBias: 0.9, labelBias: 0.5 });
    expect(b.truth).toEqual(a.truth);
    expect(b.propensity).toEqual(a.propensity);
    expect(column(b.table, 'zip3')).toEqual(column(a.table, 'zip3'));
    expect(b.called).not.toEqual(a.called);
    const c = generateLeads({ leads: 3000, seed: 5, historicalBias: 0, labelBias: 0, proxyStrength: 0.2 });
    expect(c.townCodes).toEqual(a.townCodes);
    expect(column(c.table, 'age_band')).toEqual(column(a.table, 'age_band'));
    expect(column(c.table, 'zip3')).not.toEqual(column(a.table, 'zip3'));
  });

  it('refuses a knob out of range with a message and a hint', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ leads: 0 }, /leads must be a whole number/],
      [{ leads: 2.5 }, /leads must be a whole number/],
      [{ seed: -1 }, /seed must be a whole number/],
      [{ representation: [0.5, 0.5, 0.5, 0.5] }, /must sum to 1/],
      [{ representation: [1, 0, 0] }, /representation must be 4 shares/],
      [{ disfavoured: 'village' }, /one of metro, suburban, small town, rural/],
      [{ baseRateGap: 0.9 }, /baseRateGap must be between/],
      [{ historicalBias: 1.5 }, /historicalBias must be between 0 and 1/],
      [{ proxyStrength: -0.1 }, /proxyStrength/],
      [{ labelBias: Number.NaN }, /labelBias/],
      [{ noise: 2 }, /noise/],
    ];
    for (const [knobs, message] of cases) {
      const e = problem(() => resolveLeadKnobs(knobs as never));
      expect(e.code).toBe('roles-invalid');
      expect(e.message).toMatch(message);
      expect(e.hint).toBeTruthy();
    }
    expect(resolveLeadKnobs({ seed: undefined, leads: 10 })).toEqual({ ...defaultLeadKnobs, leads: 10 });
  });

  it('neutral knobs: every bias knob 0, no base-rate gap, the rest as the defaults', () => {
    expect(neutralLeadKnobs).toMatchObject({ historicalBias: 0, proxyStrength: 0, labelBias: 0, baseRateGap: 0 });
    expect(neutralLeadKnobs.representation).toEqual(defaultLeadKnobs.representation);
  });
});

describe('leadsToCsv', () => {
  const g = generateLeads({ leads: 2000, seed: 31 });

  it('reads back with the core CSV reader as the same table (truth included)', () => {
    const back = parseCsvText(leadsToCsv(g, { truth: true })).table;
    expect(back.nRows).toBe(g.table.nRows);
    expect(back.columns.map((c) => [c.name, c.type])).toEqual(g.table.columns.map((c) => [c.name, c.type]));
    expect(back.columns).toEqual(g.table.columns);
  });

  it('leaves converted_true out unless asked; converted is the observed outcome', () => {
    const text = leadsToCsv(g);
    const header = text.slice(0, text.indexOf('\n')).split(',');
    expect(header).not.toContain('converted_true');
    expect(header).toContain('converted');
    expect(header).toContain('town_size');
    expect(header).toContain('zip3');
    const back = parseCsvText(text).table;
    const converted = column(back, 'converted');
    expect(Array.from(converted.codes, (c) => (converted.levels[c] === 'yes' ? 1 : 0))).toEqual(Array.from(g.observed));
  });
});
