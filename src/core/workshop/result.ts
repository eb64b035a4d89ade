/**
 * The results file a participant downloads (`bias-workbench.workshop-result/1`, documented in
 * docs/workshop.md) and its validation. The facilitator's debrief and the CLI's `workshop
 * summarize` read many of them; a file that is not one is refused with a message naming the
 * file and the place of the problem ("a.json: decisions[3].decision must be …").
 */
import { WorkbenchError } from '../errors';
import { isWorkshopCondition, showsScore, WORKSHOP_RESULT_FORMAT } from './config';
import { isOverride, WORKSHOP_CHOICES, type WorkshopDecision } from './decisions';
import type { ParticipantPlan } from './plan';

export interface WorkshopResult {
  format: typeof WORKSHOP_RESULT_FORMAT;
  workshopId: string;
  seed: number;
  participantId: string;
  /** ISO 8601 time the file was made */
  createdAt: string;
  decisions: WorkshopDecision[];
}

/** A participant's results file from their plan and decisions; `createdAt` is an ISO time (the page passes `new Date().toISOString()`). */
export function workshopResult(plan: ParticipantPlan, decisions: WorkshopDecision[], createdAt: string): WorkshopResult {
  return { format: WORKSHOP_RESULT_FORMAT, workshopId: plan.workshopId, seed: plan.seed, participantId: plan.participantId, createdAt, decisions: [...decisions] };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const shown = (x: unknown): string => (typeof x === 'string' ? `"${x.length > 40 ? `${x.slice(0, 40)}…` : x}"` : x === undefined ? 'missing' : (JSON.stringify(x) ?? String(x)).slice(0, 40));

class Checker {
  constructor(private readonly name: string) {}
  fail(path: string, message: string): never {
    throw new WorkbenchError(
      'workshop-invalid',
      `${this.name}: ${path ? `${path} ` : ''}${message}`,
      `Use the results file as the workshop page downloaded it (format ${WORKSHOP_RESULT_FORMAT}).`,
    );
  }
  string(o: Record<string, unknown>, key: string, path: string, nonEmpty = true): string {
    const v = o[key];
    if (typeof v !== 'string' || (nonEmpty && v === '')) this.fail(`${path}${key}`, `must be ${nonEmpty ? 'non-empty ' : ''}text, not ${shown(v)}`);
    return v;
  }
  oneOf<T extends string>(o: Record<string, unknown>, key: string, path: string, choices: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) this.fail(`${path}${key}`, `must be ${choices.map((c) => `"${c}"`).join(', ')}, not ${shown(v)}`);
    return v as T;
  }
}

function checkReason(c: Checker, v: unknown, path: string): WorkshopDecision['reason'] {
  if (v === null) return null;
  if (!isObject(v)) c.fail(path, `must be null or {category, text}, not ${shown(v)}`);
  return { category: c.string(v, 'category', `${path}.`), text: c.string(v, 'text', `${path}.`, false) };
}

function checkDecision(c: Checker, d: unknown, i: number): WorkshopDecision {
  const path = `decisions[${i}]`;
  if (!isObject(d)) c.fail(path, `must be an object, not ${shown(d)}`);
  const p = `${path}.`;
  const leadId = c.string(d, 'leadId', p);
  if (!isWorkshopCondition(d.condition)) c.fail(`${p}condition`, `must be score-hidden, score-shown, score-explained or circuit-breaker, not ${shown(d.condition)}`);
  const condition = d.condition;
  const group = c.string(d, 'group', p, false);
  const modelScore = d.modelScore;
  if (typeof modelScore !== 'number' || !Number.isFinite(modelScore)) c.fail(`${p}modelScore`, `must be a number, not ${shown(modelScore)}`);
  const modelRecommendation = c.oneOf(d, 'modelRecommendation', p, ['call', 'skip'] as const);
  const truth = d.truth;
  if (truth !== 0 && truth !== 1 && truth !== null) c.fail(`${p}truth`, `must be 1, 0 or null, not ${shown(truth)}`);
  const decision = c.oneOf(d, 'decision', p, WORKSHOP_CHOICES);
  if (typeof d.override !== 'boolean') c.fail(`${p}override`, `must be true or false, not ${shown(d.override)}`);
  const expected = isOverride(condition, modelRecommendation, decision);
  if (d.override !== expected) {
    const why = !showsScore(condition)
      ? `the score is not shown in ${condition}`
      : expected
        ? 'the decision goes against the recommendation'
        : decision === 'escalate'
          ? 'an escalation overrides nothing'
          : 'the decision follows the recommendation';
    c.fail(`${p}override`, `is ${d.override}, but ${why}`);
  }
  const reason = checkReason(c, d.reason, `${p}reason`);
  const ms = d.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) c.fail(`${p}ms`, `must be a number ≥ 0, not ${shown(ms)}`);
  return { leadId, condition, group, modelScore, modelRecommendation, truth, decision, override: d.override, reason, ms };
}

/**
 * Checks a parsed results file and returns a clean copy (unknown fields dropped). Throws
 * 'workshop-invalid' with "NAME: PATH what is wrong" for the first problem: not an object, a
 * wrong format, a missing or mistyped field, a decision whose `override` contradicts its
 * condition and recommendation, or a lead decided twice. `name` is the file's name
 * (default "the results file").
 */
export function validateWorkshopResult(json: unknown, name = 'the results file'): WorkshopResult {
  const c: Checker = new Checker(name);
  if (!isObject(json)) c.fail('', 'is not a workshop results file (it is not a JSON object)');
  if (json.format !== WORKSHOP_RESULT_FORMAT) c.fail('', `is not a workshop results file: format is ${shown(json.format)}, not "${WORKSHOP_RESULT_FORMAT}"`);
  const workshopId = c.string(json, 'workshopId', '');
  const seed = json.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) c.fail('seed', `must be a whole number from 0 to 4294967295, not ${shown(seed)}`);
  const participantId = c.string(json, 'participantId', '');
  const createdAt = c.string(json, 'createdAt', '');
  if (Number.isNaN(Date.parse(createdAt))) c.fail('createdAt', `must be an ISO time, not ${shown(createdAt)}`);
  if (!Array.isArray(json.decisions)) c.fail('decisions', `must be a list, not ${shown(json.decisions)}`);
  const decisions = json.decisions.map((d, i) => checkDecision(c, d, i));
  const seen = new Map<string, number>();
  decisions.forEach((d, i) => {
    const first = seen.get(d.leadId);
    if (first !== undefined) c.fail(`decisions[${i}].leadId`, `"${d.leadId}" was already decided in decisions[${first}]`);
    seen.set(d.leadId, i);
  });
  return { format: WORKSHOP_RESULT_FORMAT, workshopId, seed, participantId, createdAt, decisions };
}
