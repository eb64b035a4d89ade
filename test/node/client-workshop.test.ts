/**
 * The page's workshop: the participant link keeps the page's path and carries the setup only;
 * a play walks the participant's plan with core's circuit breaker, times each decision from
 * the card appearing, keeps its decisions in the storage it is given (a reload resumes; other
 * plans' or corrupt values are not taken) and makes a valid results file; the file name is safe.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultWorkshopConfig,
  needsReason,
  planParticipant,
  validateWorkshopResult,
  WORKSHOP_CHOICES,
  workshopResult,
  type Material,
  type MaterialLead,
  type ParticipantPlan,
  type WorkshopChoice,
  type WorkshopConfig,
} from '../../src/core/workshop';
import { WorkbenchError } from '../../src/core/errors';
import { resultFileName, WorkshopPlay, workshopFromUrl, workshopLink } from '../../src/client/workshop';

/**
 * 40 leads in two groups (even rows 'metro', odd rows 'rural'), scores (i + 0.5)/40 around the
 * threshold 0.5; the truth agrees with the model except on every fourth lead.
 */
function material(): Material {
  const leads: MaterialLead[] = [];
  for (let i = 0; i < 40; i++) {
    const modelScore = (i + 0.5) / 40;
    const call = modelScore >= 0.5 ? 1 : 0;
    const truth = (i % 4 === 3 ? 1 - call : call) as 0 | 1;
    leads.push({ leadId: `L${i}`, group: i % 2 === 0 ? 'metro' : 'rural', modelScore, truth, fields: { pages_viewed: i % 7 } });
  }
  return { leads, threshold: 0.5, groupColumn: 'town_size' };
}

const config: WorkshopConfig = { ...defaultWorkshopConfig, id: 'ws-test', seed: 42, leadsPerParticipant: 8 };
const MATERIAL = material();
const planFor = (participant: string): ParticipantPlan => planParticipant(config, MATERIAL, participant);

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
/** A Map-backed stand-in for localStorage. */
function memoryStorage(): Store & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, String(v)), removeItem: (k) => void map.delete(k) };
}

const REASON = { category: 'knows-the-customer', text: 'met her at the fair' };

/** The choice made on the i-th lead of a walk: call, skip, escalate in turn. */
const choiceAt = (i: number): WorkshopChoice => WORKSHOP_CHOICES[i % 3];

/** Decide `count` leads of the play (a reason wherever one is needed), the card shown at 1000 ms. */
function decideSome(play: WorkshopPlay, count: number): void {
  for (let i = 0; i < count; i++) {
    const choice = choiceAt(play.done);
    play.shown(1000);
    play.decide(choice, play.needsReason(choice) ? REASON : null, 1500);
  }
}

describe('workshopLink and workshopFromUrl', () => {
  it("keep the page's path, drop its other query and hash, and carry the setup back", () => {
    const link = workshopLink(config, 'http://localhost:5173/app/?demo=crm#x');
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe('http://localhost:5173/app/');
    expect(url.hash).toBe('');
    expect([...url.searchParams.keys()]).toEqual(['workshop']);
    expect(link).not.toContain('demo=crm');
    expect(workshopFromUrl(url.search)).toEqual(config);
  });

  it('give null for an address without a workshop', () => {
    expect(workshopFromUrl('')).toBeNull();
    expect(workshopFromUrl('?demo=crm')).toBeNull();
  });

  it("refuse a mangled workshop with 'workshop-invalid'", () => {
    const good = new URL(workshopLink(config, 'http://localhost:5173/')).searchParams.get('workshop')!;
    for (const bad of ['?workshop=', '?workshop=hello', '?workshop=w9.abc', '?workshop=w1.%21%21%21', `?workshop=${good.slice(0, good.length - 6)}`]) {
      let thrown: unknown = null;
      try {
        workshopFromUrl(bad);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, bad).toBeInstanceOf(WorkbenchError);
      expect((thrown as WorkbenchError).code, bad).toBe('workshop-invalid');
    }
  });
});

describe('WorkshopPlay', () => {
  it('walks the plan with the circuit breaker, times each decision, and makes a valid results file', () => {
    const plan = planFor('alice');
    expect(plan.items).toHaveLength(8);
    const play = new WorkshopPlay(plan, memoryStorage());
    expect(play.total).toBe(8);
    let refused = 0;
    const made = [];
    for (let i = 0; i < plan.items.length; i++) {
      expect(play.done).toBe(i);
      expect(play.current).toBe(plan.items[i]);
      for (const c of WORKSHOP_CHOICES) expect(play.needsReason(c), `${i} ${c}`).toBe(needsReason(plan.items[i], c));
      const choice = choiceAt(i);
      const needed = WORKSHOP_CHOICES.find((c) => play.needsReason(c));
      if (needed) {
        // a needed reason missing (or without a category): refused, and the play stays on this lead
        for (const reason of [null, { category: '  ', text: 'x' }]) {
          expect(() => play.decide(needed, reason, 5000)).toThrow(expect.objectContaining({ code: 'workshop-invalid' }));
          refused++;
        }
        expect(play.done).toBe(i);
        expect(play.current).toBe(plan.items[i]);
      }
      // the card shown at 1000.2 ms, decided at 1234.8 ms: 234.6 ms, rounded; the 4th lead is never shown
      if (i !== 3) play.shown(1000.2);
      const d = play.decide(choice, play.needsReason(choice) ? REASON : null, 1234.8);
      expect(d.ms).toBe(i === 3 ? 0 : 235);
      expect(d).toMatchObject({ leadId: plan.items[i].lead.leadId, condition: plan.items[i].condition, decision: choice });
      made.push(d);
    }
    expect(refused).toBeGreaterThan(0);
    expect(play.done).toBe(8);
    expect(play.current).toBeNull();
    expect(play.needsReason('call')).toBe(false);
    expect(() => play.decide('call', REASON, 0)).toThrow();
    expect(play.done).toBe(8);

    const result = play.result('2027-03-01T09:00:00.000Z');
    expect(validateWorkshopResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
    expect(result).toMatchObject({ workshopId: 'ws-test', seed: 42, participantId: 'alice', createdAt: '2027-03-01T09:00:00.000Z' });
    expect(result.decisions).toEqual(made);
    expect(result.decisions.map((d) => d.leadId)).toEqual(plan.items.map((it) => it.lead.leadId));
  });

  it('times from the last time the card was shown, and a later decision is not timed from an earlier card', () => {
    const play = new WorkshopPlay(planFor('carol'), null);
    play.shown(100);
    play.shown(400);
    const first = play.decide('escalate', null, 1000);
    expect(first.ms).toBe(600);
    const second = play.decide('escalate', null, 5000);
    expect(second.ms).toBe(0);
  });
});

describe('WorkshopPlay persistence', () => {
  it('resumes on the same plan at the same place with the same decisions', () => {
    const plan = planFor('alice');
    const storage = memoryStorage();
    const first = new WorkshopPlay(plan, storage);
    decideSome(first, 3);
    expect(storage.map.size).toBe(1);

    const again = new WorkshopPlay(plan, storage);
    expect(again.done).toBe(3);
    expect(again.current).toBe(plan.items[3]);
    expect(again.result('2027-03-01T09:00:00.000Z')).toEqual(first.result('2027-03-01T09:00:00.000Z'));
    decideSome(again, 5);
    expect(again.current).toBeNull();
    expect(new WorkshopPlay(plan, storage).done).toBe(8);
  });

  it("does not take decisions kept for another participant's plan", () => {
    const alice = planFor('alice');
    const bob = planFor('bob');
    const same = (i: number) => alice.items[i].lead.leadId === bob.items[i].lead.leadId && alice.items[i].condition === bob.items[i].condition;
    expect(same(0)).toBe(false);
    const storage = memoryStorage();
    decideSome(new WorkshopPlay(alice, storage), 4);
    expect(new WorkshopPlay(bob, storage).done).toBe(0);

    // alice's decisions put where bob's would be kept: they do not fit his plan
    const [key, value] = [...storage.map.entries()][0];
    expect(key.endsWith('.alice')).toBe(true);
    storage.map.set(`${key.slice(0, -'alice'.length)}bob`, value);
    const play = new WorkshopPlay(bob, storage);
    expect(play.done).toBe(0);
    expect(play.current).toBe(bob.items[0]);
  });

  it('takes back only the decisions that follow the plan from its start', () => {
    const plan = planFor('alice');
    const storage = memoryStorage();
    decideSome(new WorkshopPlay(plan, storage), 5);
    const [key, value] = [...storage.map.entries()][0];
    const kept = JSON.parse(value) as { leadId: string }[];
    kept[2] = { ...kept[2], leadId: 'somebody-else' };
    storage.map.set(key, JSON.stringify(kept));
    expect(new WorkshopPlay(plan, storage).done).toBe(2);
  });

  it('makes each kept decision again from its plan item, so edited fields do not come back', () => {
    const plan = planFor('alice');
    const storage = memoryStorage();
    const play = new WorkshopPlay(plan, storage);
    decideSome(play, 2);
    const expected = play.result('2027-03-01T09:00:00.000Z');
    const [key, value] = [...storage.map.entries()][0];
    const kept = JSON.parse(value) as Record<string, unknown>[];
    kept[0] = { ...kept[0], group: 'tampered', modelScore: 0.99, truth: 'yes', override: !kept[0].override, extra: 1 };
    storage.map.set(key, JSON.stringify(kept));
    const again = new WorkshopPlay(plan, storage);
    expect(again.done).toBe(2);
    const result = again.result('2027-03-01T09:00:00.000Z');
    expect(result).toEqual(expected);
    expect(validateWorkshopResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it('ignores a corrupt kept value and starts at the first lead', () => {
    const plan = planFor('alice');
    const storage = memoryStorage();
    decideSome(new WorkshopPlay(plan, storage), 2);
    const [key] = [...storage.map.keys()];
    const first = plan.items[0];
    // the right lead and condition, but no decision, an unknown one, or a reason that is not one
    const fits = (rest: object) => JSON.stringify([{ leadId: first.lead.leadId, condition: first.condition, ...rest }]);
    const broken = [fits({}), fits({ decision: 'maybe', reason: null, ms: 5 }), fits({ decision: 'escalate', reason: 7, ms: 5 })];
    for (const corrupt of ['{not json', '{"leadId":"L1"}', '42', 'null', '[1,"x"]', '[null]', ...broken]) {
      storage.map.set(key, corrupt);
      const play = new WorkshopPlay(plan, storage);
      expect(play.done, corrupt).toBe(0);
      expect(play.current, corrupt).toBe(plan.items[0]);
    }
  });

  it('goes on when the storage refuses to keep, and plays without one', () => {
    const plan = planFor('alice');
    const refusing: Store = { getItem: () => null, setItem: () => { throw new Error('quota'); }, removeItem: () => undefined };
    const play = new WorkshopPlay(plan, refusing);
    decideSome(play, 2);
    expect(play.done).toBe(2);
    const bare = new WorkshopPlay(plan, null);
    decideSome(bare, 8);
    expect(bare.current).toBeNull();
  });

  it('forgets on reset', () => {
    const plan = planFor('alice');
    const storage = memoryStorage();
    const play = new WorkshopPlay(plan, storage);
    decideSome(play, 3);
    play.shown(10);
    play.reset();
    expect(play.done).toBe(0);
    expect(play.current).toBe(plan.items[0]);
    expect(storage.map.size).toBe(0);
    expect(new WorkshopPlay(plan, storage).done).toBe(0);
    // the card shown before the reset does not time the next decision
    expect(play.decide('escalate', null, 500).ms).toBe(0);
  });
});

describe('resultFileName', () => {
  it('names the file by workshop and participant, replacing characters a file name cannot hold', () => {
    const result = workshopResult(planParticipant(config, MATERIAL, 'a/b c'), [], '2027-03-01T09:00:00.000Z');
    expect(resultFileName(result)).toBe('workshop-ws-test-a_b_c.json');
    const odd = workshopResult(planParticipant(config, MATERIAL, '../ü x//y'), [], '2027-03-01T09:00:00.000Z');
    expect(resultFileName(odd)).toBe('workshop-ws-test-_x_y.json');
  });
});
