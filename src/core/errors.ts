/**
 * Errors a person can act on. Every failure that reaches a user carries a stable `code`
 * (for tests and the CLI's exit reason), a one-line `message` that says what is wrong,
 * and a `hint` that says what to do about it.
 *
 * Workers cannot clone Error subclasses faithfully, so `toProblem` turns any thrown value
 * into plain data and `WorkbenchError.from` turns it back.
 */
export type ProblemCode =
  | 'csv-empty'
  | 'csv-binary'
  | 'csv-ragged'
  | 'csv-header-only'
  | 'csv-malformed'
  | 'csv-fixed-width'
  | 'manifest-invalid'
  | 'manifest-missing-column'
  | 'model-invalid'
  | 'model-missing-weights'
  | 'model-shape-mismatch'
  | 'target-one-class'
  | 'target-missing'
  | 'roles-invalid'
  | 'workshop-invalid'
  | 'log-invalid'
  | 'appeal-invalid'
  | 'review-invalid'
  | 'policy-invalid'
  | 'project-invalid'
  | 'storage-unavailable'
  | 'aborted'
  | 'internal';

export interface Problem {
  code: ProblemCode;
  message: string;
  hint?: string;
}

export class WorkbenchError extends Error {
  readonly code: ProblemCode;
  readonly hint?: string;
  constructor(code: ProblemCode, message: string, hint?: string) {
    super(message);
    this.name = 'WorkbenchError';
    this.code = code;
    this.hint = hint;
  }
  static from(p: Problem): WorkbenchError {
    return new WorkbenchError(p.code, p.message, p.hint);
  }
  toProblem(): Problem {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Plain-data form of any thrown value. */
export function toProblem(e: unknown): Problem {
  if (e instanceof WorkbenchError) return e.toProblem();
  if (e && typeof e === 'object' && 'code' in e && 'message' in e && typeof (e as Problem).message === 'string') {
    const p = e as Problem;
    return { code: p.code, message: p.message, ...(p.hint ? { hint: p.hint } : {}) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

/** "message. hint" on one line, for the CLI and toasts (a full stop is added where the message lacks one). */
export function describeProblem(p: Problem): string {
  if (!p.hint) return p.message;
  const message = /[.!?:;)]$/.test(p.message.trim()) ? p.message.trim() : `${p.message.trim()}.`;
  return `${message} ${p.hint}`;
}
