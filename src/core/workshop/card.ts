/**
 * Lead cards: a lead told the way a sales rep would read it in a CRM, in plain words, with no
 * score, no outcome and no jargon (the page adds the score where the condition shows it).
 *
 * The CRM demo's columns have their own sentences ("Came in through a referral", "Opened 3 of
 * our emails", "Lives in a small town (zip 817xx), in the west"); any other column reads as
 * "Its name: value" with the underscores spaced out. A missing value reads "not known". The
 * lines follow the order a rep meets a lead in: where it came from, what it did, what it wants,
 * who and where it is, then any other column.
 */
import type { MaterialLead } from './material';

type Value = string | number | null;

const SOURCES: Record<string, string> = {
  'web form': 'Filled in the form on our website',
  'paid search': 'Clicked one of our search ads',
  'social ad': 'Clicked one of our social media ads',
  event: 'Met us at an event',
  referral: 'Came in through a referral',
  partner: 'Was sent to us by a partner',
  'purchased list': 'Came from a bought contact list',
};

const CHANNELS: Record<string, string> = {
  phone: 'by phone',
  email: 'by email',
  sms: 'by text message',
  chat: 'through the website chat',
};

const PLACES: Record<string, string> = {
  metro: 'a city',
  suburban: 'the suburbs',
  'small town': 'a small town',
  rural: 'the countryside',
};

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const text = (v: Value): string => (v === null ? 'not known' : String(v));
const amount = (band: string): string => band.replace(/-/g, '–');

/** One sentence per CRM column, or null when the column has none (or its value is missing or unknown). */
const SENTENCES: Partial<Record<string, (v: Value, fields: Record<string, Value>) => string | null>> = {
  lead_source: (v) => (typeof v === 'string' ? (SOURCES[v] ?? `Came in through: ${v}`) : null),
  channel: (v) => (typeof v === 'string' ? `Prefers to be reached ${CHANNELS[v] ?? `by ${v}`}` : null),
  pages_viewed: (v) => (typeof v === 'number' ? (v === 0 ? 'Has not looked at our website' : `Looked at ${plural(v, 'page', 'pages')} of our website`) : null),
  email_opens: (v) => (typeof v === 'number' ? (v === 0 ? 'Has not opened any of our emails' : `Opened ${v} of our emails`) : null),
  days_since_contact: (v) =>
    typeof v === 'number' ? (v === 0 ? 'Was last in touch with us today' : v === 1 ? 'Was last in touch with us yesterday' : `Was last in touch with us ${v} days ago`) : null,
  product_interest: (v) => (typeof v === 'string' ? `Interested in our ${v} plan` : null),
  income_band: (v) => (typeof v === 'string' ? `Earns ${amount(v)} a year` : null),
  town_size: (v, f) => {
    if (typeof v !== 'string') return null;
    const zip = typeof f.zip3 === 'string' ? ` (zip ${f.zip3})` : '';
    const region = typeof f.region === 'string' ? `, in the ${f.region}` : '';
    return `Lives in ${PLACES[v] ?? v}${zip}${region}`;
  },
  zip3: (v) => (typeof v === 'string' ? `Lives in zip code area ${v}` : null),
  region: (v) => (typeof v === 'string' ? `Lives in the ${v}` : null),
  age_band: (v) => (typeof v === 'string' ? (v.endsWith('+') ? `Aged ${v.slice(0, -1)} or over` : `Aged ${amount(v)}`) : null),
  gender: (v) => (v === 'female' ? 'A woman' : v === 'male' ? 'A man' : typeof v === 'string' ? `Gender: ${v}` : null),
};

/** Columns folded into another column's sentence when that column is there. */
const FOLDED: Record<string, string> = { zip3: 'town_size', region: 'town_size' };

/** The order of the CRM columns on a card; other columns follow in their own order. */
const ORDER = ['lead_source', 'channel', 'pages_viewed', 'email_opens', 'days_since_contact', 'product_interest', 'income_band', 'town_size', 'zip3', 'region', 'age_band', 'gender'];

/** "days_since_contact" → "Days since contact" */
function humanise(column: string): string {
  const s = column.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function genericLine(column: string, v: Value): string {
  return `${humanise(column)}: ${text(v)}`;
}

/**
 * A lead's card: a title ("Lead 1234") and one plain line per column. The group column is
 * always on the card (its value is the lead's group), even when the fields lack it.
 */
export function leadCard(lead: MaterialLead, groupColumn: string): { title: string; lines: string[] } {
  const fields: Record<string, Value> = { ...lead.fields };
  if (!(groupColumn in fields)) fields[groupColumn] = lead.group;
  const columns = Object.keys(fields);
  const ordered = [...ORDER.filter((c) => columns.includes(c)), ...columns.filter((c) => !ORDER.includes(c))];
  const lines: string[] = [];
  for (const c of ordered) {
    const host = FOLDED[c];
    if (host !== undefined && host in fields && fields[host] !== null) continue;
    const say = SENTENCES[c];
    const v = fields[c];
    lines.push((say && v !== null ? say(v, fields) : null) ?? genericLine(c, v));
  }
  return { title: `Lead ${lead.leadId}`, lines };
}

/** One reason on an explained card: the column's plain line and which way it moved the score. */
export interface CardReason {
  column: string;
  line: string;
  direction: 'up' | 'down';
  /** the SHAP contribution, in the score's units */
  value: number;
}

/**
 * The explanation a 'score-explained' card shows: the `k` columns with the largest SHAP
 * contributions (by size), each as the same plain line the card uses and whether it pushed the
 * score up or down. Zero contributions are left out; ties keep the columns' order.
 */
export function cardReasons(lead: MaterialLead, k = 3): CardReason[] {
  const contributions = lead.contributions ?? [];
  const fields: Record<string, Value> = { ...lead.fields };
  return contributions
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.value !== 0 && Number.isFinite(c.value))
    .sort((a, b) => Math.abs(b.c.value) - Math.abs(a.c.value) || a.i - b.i)
    .slice(0, k)
    .map(({ c }) => {
      const v = c.column in fields ? fields[c.column] : null;
      const say = SENTENCES[c.column];
      return { column: c.column, line: (say && v !== null ? say(v, fields) : null) ?? genericLine(c.column, v), direction: c.value > 0 ? ('up' as const) : ('down' as const), value: c.value };
    });
}
