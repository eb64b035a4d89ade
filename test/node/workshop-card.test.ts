/**
 * Lead cards in plain sales language (no score, no outcome, no column names for the CRM
 * columns), and the CRM demo as workshop material: one lead per row of leads.csv, the truth
 * joined from truth.csv by lead_id, town size as the group, history and outcome off the cards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/core/csv';
import { crmDemoMaterial, leadCard, materialFromTable, type MaterialLead } from '../../src/core/workshop';
import { root } from './cli-harness';

const crmLead: MaterialLead = {
  leadId: '1',
  group: 'rural',
  modelScore: 0.0312,
  truth: 0,
  fields: {
    lead_source: 'referral', channel: 'sms', pages_viewed: 4, email_opens: 1, days_since_contact: 39, income_band: '25-50k',
    product_interest: 'basic', region: 'west', town_size: 'rural', zip3: '817xx', age_band: '18-29', gender: 'male',
  },
};

describe('leadCard', () => {
  it('tells a CRM lead in plain sales language, in the order a rep meets it', () => {
    expect(leadCard(crmLead, 'town_size')).toEqual({
      title: 'Lead 1',
      lines: [
        'Came in through a referral',
        'Prefers to be reached by text message',
        'Looked at 4 pages of our website',
        'Opened 1 of our emails',
        'Was last in touch with us 39 days ago',
        'Interested in our basic plan',
        'Earns 25–50k a year',
        'Lives in the countryside (zip 817xx), in the west',
        'Aged 18–29',
        'A man',
      ],
    });
  });

  it('has a sentence for every value of the demo\'s columns, and none mentions a score, an outcome or a column name', () => {
    const small = leadCard({ ...crmLead, group: 'small town', fields: { ...crmLead.fields, town_size: 'small town', pages_viewed: 1, email_opens: 0, days_since_contact: 0, age_band: '60+', gender: 'female', lead_source: 'purchased list' } }, 'town_size');
    expect(small.lines).toEqual(expect.arrayContaining([
      'Lives in a small town (zip 817xx), in the west', 'Looked at 1 page of our website', 'Has not opened any of our emails',
      'Was last in touch with us today', 'Aged 60 or over', 'A woman', 'Came from a bought contact list',
    ]));
    for (const line of [...small.lines, ...leadCard(crmLead, 'town_size').lines]) {
      expect(line).not.toMatch(/score|convert|_|0\.03/i);
    }
  });

  it('other columns read "Name: value", a missing value "not known"; the group is on the card even when the fields lack it', () => {
    const card = leadCard({ leadId: 'A-7', group: '40-60', modelScore: 0.5, truth: null, fields: { monthly_spend: 120, segment: null } }, 'age_group');
    expect(card).toEqual({ title: 'Lead A-7', lines: ['Monthly spend: 120', 'Segment: not known', 'Age group: 40-60'] });
    expect(leadCard({ ...crmLead, fields: { region: 'north', zip3: '100xx' } }, 'region').lines).toEqual(['Lives in zip code area 100xx', 'Lives in the north']);
  });
});

describe('workshop material', () => {
  it('the CRM demo: 20,000 leads, truth from truth.csv by lead_id, town size as group, the recorded outcome and past calls off the cards', () => {
    const dir = join(root, 'public/demo/crm');
    const leads = parseCsvText(readFileSync(join(dir, 'leads.csv'), 'utf8')).table;
    const truth = parseCsvText(readFileSync(join(dir, 'truth.csv'), 'utf8')).table;
    const scores = Float32Array.from({ length: leads.nRows }, (_, i) => (i % 100) / 1000);
    const m = crmDemoMaterial(leads, truth, scores, 0.0746);
    expect(m.leads).toHaveLength(20000);
    expect(m.groupColumn).toBe('town_size');
    expect(m.threshold).toBe(0.0746);
    const first = m.leads[0];
    expect(first).toMatchObject({ leadId: '1', group: 'rural', truth: 0, modelScore: 0 });
    expect(first.fields).toEqual(crmLead.fields);
    const truthLines = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n').slice(1);
    expect(m.leads.map((l) => l.truth)).toEqual(truthLines.map((l) => (l.endsWith(',yes') ? 1 : 0)));
    expect(new Set(m.leads.map((l) => l.group))).toEqual(new Set(['metro', 'suburban', 'small town', 'rural']));
  });

  it('a scored table without truth: row numbers as ids when there is no id column, unknown truth, scores must match the rows', () => {
    const { table } = parseCsvText('g,x\na,1\nb,\n');
    const m = materialFromTable({ table, scores: [0.2, 0.7], threshold: 0.5, groupColumn: 'g' });
    expect(m.leads).toEqual([
      { leadId: '1', group: 'a', modelScore: 0.2, truth: null, fields: { g: 'a', x: 1 } },
      { leadId: '2', group: 'b', modelScore: 0.7, truth: null, fields: { g: 'b', x: null } },
    ]);
    expect(() => materialFromTable({ table, scores: [0.2], threshold: 0.5, groupColumn: 'g' })).toThrow(/2 leads but 1 scores/);
    expect(() => materialFromTable({ table, scores: [0.2, 0.1], threshold: 0.5, groupColumn: 'town' })).toThrow(/no column "town"/);
  });
});
