/**
 * The workshop's setup: what the facilitator chooses, and the link that carries it.
 *
 * The link holds the configuration and the seed only, never data: `?workshop=w1.<base64url of
 * a compact JSON>`. `w1` is the link's version; a link from a later version is refused with a
 * message that says so, rather than read wrongly. Every participant's page decodes the same
 * configuration and plans that participant's leads from it (./plan), so no server is needed.
 */
import { WorkbenchError } from '../errors';
import { decodeBase64Url, encodeBase64Url } from './base64url';

export const WORKSHOP_FORMAT = 'bias-workbench.workshop/1';
export const WORKSHOP_RESULT_FORMAT = 'bias-workbench.workshop-result/1';

/**
 * The four ways a participant meets the model's score:
 * - 'score-hidden': the card only; the participant decides alone (the "human alone" baseline);
 * - 'score-shown': the card and the model's score with its recommendation;
 * - 'score-explained': as shown, plus the score's SHAP explanation (the columns that pushed it up or down);
 * - 'circuit-breaker': as shown, and following the recommendation on a low-confidence lead
 *   needs a stated reason (./decisions `needsReason`).
 */
export const WORKSHOP_CONDITIONS = ['score-hidden', 'score-shown', 'score-explained', 'circuit-breaker'] as const;
export type WorkshopCondition = (typeof WORKSHOP_CONDITIONS)[number];

/** Plain names of the conditions, for the page and the reports. */
export const CONDITION_LABELS: Record<WorkshopCondition, string> = {
  'score-hidden': 'score hidden',
  'score-shown': 'score shown',
  'score-explained': 'score with its explanation',
  'circuit-breaker': 'circuit breaker',
};

/** Whether the participant sees the model's score (and so can follow or override it) in a condition. */
export function showsScore(condition: WorkshopCondition): boolean {
  return condition !== 'score-hidden';
}

export function isWorkshopCondition(s: unknown): s is WorkshopCondition {
  return typeof s === 'string' && (WORKSHOP_CONDITIONS as readonly string[]).includes(s);
}

export interface WorkshopConfig {
  format: typeof WORKSHOP_FORMAT;
  /** short id, e.g. 'ws-3f9a': letters, digits, '-' and '_', at most 32 characters */
  id: string;
  /** whole number in [0, 2³²): seeds every participant's plan together with the participant id */
  seed: number;
  /** the CRM demo, or the facilitator's own data and model, known by their fingerprint */
  material: { kind: 'crm-demo' } | { kind: 'custom'; fingerprint: string; name: string; groupColumn?: string };
  /** leads each participant decides on, in [MIN_LEADS, MAX_LEADS] */
  leadsPerParticipant: number;
  /** share of a participant's leads on which the model is wrong (from the true outcome), in [0, 1] */
  wrongShare: number;
  /** the conditions each participant meets, at least one, each at most once */
  conditions: WorkshopCondition[];
  title?: string;
}

export const MIN_LEADS = 4;
export const MAX_LEADS = 200;
export const MAX_TITLE_LENGTH = 200;

export const defaultWorkshopConfig: Omit<WorkshopConfig, 'id'> = {
  format: WORKSHOP_FORMAT,
  seed: 1,
  material: { kind: 'crm-demo' },
  leadsPerParticipant: 24,
  wrongShare: 0.25,
  conditions: [...WORKSHOP_CONDITIONS],
};

/** A short workshop id derived from a seed: 'ws-' and four hex digits. */
export function workshopIdFor(seed: number): string {
  let h = Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  return `ws-${((h ^ (h >>> 13)) & 0xffff).toString(16).padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------
// validation

const ID = /^[A-Za-z0-9_-]{1,32}$/;

function invalid(where: string, message: string): WorkbenchError {
  return new WorkbenchError('workshop-invalid', `${where}: ${message}`, 'Ask the facilitator for the workshop link again, or set the workshop up anew.');
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const shown = (x: unknown): string => (typeof x === 'string' ? `"${x}"` : JSON.stringify(x) ?? String(x));

function checkMaterial(m: unknown, where: string): WorkshopConfig['material'] {
  if (!isObject(m)) throw invalid(where, `material must be an object, not ${shown(m)}`);
  if (m.kind === 'crm-demo') return { kind: 'crm-demo' };
  if (m.kind !== 'custom') throw invalid(where, `material.kind must be "crm-demo" or "custom", not ${shown(m.kind)}`);
  if (typeof m.fingerprint !== 'string' || !/^[0-9a-f]{8,128}$/.test(m.fingerprint)) {
    throw invalid(where, `material.fingerprint must be a hex digest, not ${shown(m.fingerprint)}`);
  }
  if (typeof m.name !== 'string' || m.name.length === 0 || m.name.length > MAX_TITLE_LENGTH) {
    throw invalid(where, `material.name must be a name of 1 to ${MAX_TITLE_LENGTH} characters`);
  }
  if (m.groupColumn !== undefined && (typeof m.groupColumn !== 'string' || m.groupColumn.length === 0 || m.groupColumn.length > MAX_TITLE_LENGTH)) {
    throw invalid(where, `material.groupColumn must be a column name of 1 to ${MAX_TITLE_LENGTH} characters`);
  }
  return { kind: 'custom', fingerprint: m.fingerprint, name: m.name, ...(m.groupColumn !== undefined ? { groupColumn: m.groupColumn } : {}) };
}

function checkConditions(c: unknown, where: string): WorkshopCondition[] {
  if (!Array.isArray(c) || c.length === 0) throw invalid(where, 'conditions must list at least one condition');
  const seen = new Set<string>();
  for (const [i, x] of c.entries()) {
    if (!isWorkshopCondition(x)) throw invalid(where, `conditions[${i}] must be one of ${WORKSHOP_CONDITIONS.join(', ')}, not ${shown(x)}`);
    if (seen.has(x)) throw invalid(where, `conditions lists "${x}" twice`);
    seen.add(x);
  }
  return [...c] as WorkshopCondition[];
}

/**
 * Checks a configuration (from a link, a file or the setup form) and returns a clean copy;
 * throws 'workshop-invalid' with a message that names the field.
 */
export function validateWorkshopConfig(c: unknown, where = 'the workshop setup'): WorkshopConfig {
  if (!isObject(c)) throw invalid(where, 'it is not a workshop setup');
  if (c.format !== WORKSHOP_FORMAT) throw invalid(where, `format must be "${WORKSHOP_FORMAT}", not ${shown(c.format)}`);
  if (typeof c.id !== 'string' || !ID.test(c.id)) throw invalid(where, `id must be 1 to 32 letters, digits, "-" or "_", not ${shown(c.id)}`);
  if (typeof c.seed !== 'number' || !Number.isSafeInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw invalid(where, `seed must be a whole number from 0 to 4294967295, not ${shown(c.seed)}`);
  }
  const n = c.leadsPerParticipant;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_LEADS || n > MAX_LEADS) {
    throw invalid(where, `leadsPerParticipant must be a whole number from ${MIN_LEADS} to ${MAX_LEADS}, not ${shown(n)}`);
  }
  const w = c.wrongShare;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1) throw invalid(where, `wrongShare must be a number in [0, 1], not ${shown(w)}`);
  if (c.title !== undefined && (typeof c.title !== 'string' || c.title.length > MAX_TITLE_LENGTH)) {
    throw invalid(where, `title must be text of at most ${MAX_TITLE_LENGTH} characters`);
  }
  return {
    format: WORKSHOP_FORMAT,
    id: c.id,
    seed: c.seed,
    material: checkMaterial(c.material, where),
    leadsPerParticipant: n,
    wrongShare: w,
    conditions: checkConditions(c.conditions, where),
    ...(c.title !== undefined && c.title !== '' ? { title: c.title as string } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// the link

const LINK_VERSION = 'w1';
/** one letter per condition in the link */
const CONDITION_CODES: Record<WorkshopCondition, string> = { 'score-hidden': 'h', 'score-shown': 's', 'score-explained': 'e', 'circuit-breaker': 'b' };

/** The compact form the link carries (short keys keep the QR code small). */
interface LinkBody {
  i: string;
  s: number;
  m: 'crm' | { f: string; n: string; g?: string };
  n: number;
  w: number;
  c: string;
  t?: string;
}

/** The configuration as a URL-safe string for `?workshop=…`: 'w1.' + base64url(compact JSON). No data, config and seed only. */
export function encodeWorkshopConfig(c: WorkshopConfig): string {
  const v = validateWorkshopConfig(c);
  const body: LinkBody = {
    i: v.id,
    s: v.seed,
    m: v.material.kind === 'crm-demo' ? 'crm' : { f: v.material.fingerprint, n: v.material.name, ...(v.material.groupColumn !== undefined ? { g: v.material.groupColumn } : {}) },
    n: v.leadsPerParticipant,
    w: v.wrongShare,
    c: v.conditions.map((x) => CONDITION_CODES[x]).join(''),
    ...(v.title !== undefined ? { t: v.title } : {}),
  };
  return `${LINK_VERSION}.${encodeBase64Url(JSON.stringify(body))}`;
}

/** The configuration a `?workshop=…` string carries; throws 'workshop-invalid' with a plain message on anything malformed. */
export function decodeWorkshopConfig(s: string): WorkshopConfig {
  const where = 'the workshop link';
  if (typeof s !== 'string' || s.trim() === '') throw invalid(where, 'it is empty');
  const text = s.trim();
  const dot = text.indexOf('.');
  const version = dot < 0 ? '' : text.slice(0, dot);
  if (/^w\d+$/.test(version) && version !== LINK_VERSION) {
    throw invalid(where, `it was made by a newer version of the workbench (${version}); this page reads ${LINK_VERSION} links`);
  }
  if (version !== LINK_VERSION) throw invalid(where, 'it is not a workshop link (it should start with "w1.")');
  const json = decodeBase64Url(text.slice(dot + 1));
  if (json === null) throw invalid(where, 'it is cut short or mistyped (not valid base64url)');
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    throw invalid(where, 'it is cut short or mistyped (its content is not JSON)');
  }
  if (!isObject(body)) throw invalid(where, 'it does not hold a workshop setup');
  const codes = typeof body.c === 'string' ? [...body.c] : null;
  const byCode = Object.fromEntries(Object.entries(CONDITION_CODES).map(([k, v]) => [v, k]));
  if (codes === null || codes.some((x) => !(x in byCode))) throw invalid(where, `its conditions ${shown(body.c)} are not known`);
  const m = body.m;
  return validateWorkshopConfig(
    {
      format: WORKSHOP_FORMAT,
      id: body.i,
      seed: body.s,
      material: m === 'crm' ? { kind: 'crm-demo' } : isObject(m) ? { kind: 'custom', fingerprint: m.f, name: m.n, ...(m.g !== undefined ? { groupColumn: m.g } : {}) } : m,
      leadsPerParticipant: body.n,
      wrongShare: body.w,
      conditions: codes.map((x) => byCode[x]),
      ...(body.t !== undefined ? { title: body.t } : {}),
    },
    where,
  );
}
