/**
 * The debrief as one JSON document (`bias-workbench.workshop-summary/1`): the core summary
 * (./summary) followed by where it came from. The page's "Download the debrief" and the CLI's
 * `workshop summarize --format json` both build it here, so the same files give the same JSON.
 */
import { GENERATED_BY } from '../audit/report';
import { validateWorkshopResult, type WorkshopResult } from './result';
import { summarizeWorkshop, type SummarizeOptions, type WorkshopSummary } from './summary';
import { WorkbenchError } from '../errors';

export const WORKSHOP_SUMMARY_FORMAT = 'bias-workbench.workshop-summary/1';

export interface SummarizedFile {
  /** the file's name as given (a path on the command line, the file's name in the page) */
  file: string;
  workshopId: string;
  participantId: string;
  decisions: number;
}

export type WorkshopSummaryJson = WorkshopSummary & { format: typeof WORKSHOP_SUMMARY_FORMAT; generatedBy: string; files: SummarizedFile[] };

/** The debrief document from named, validated results files. */
export function workshopSummaryDocument(files: readonly { file: string; result: WorkshopResult }[], options: SummarizeOptions = {}): WorkshopSummaryJson {
  const summary = summarizeWorkshop(
    files.map((f) => f.result),
    options,
  );
  return {
    ...summary,
    format: WORKSHOP_SUMMARY_FORMAT,
    generatedBy: GENERATED_BY,
    files: files.map(({ file, result }) => ({ file, workshopId: result.workshopId, participantId: result.participantId, decisions: result.decisions.length })),
  };
}

/**
 * A results file from its text, validated; every problem names the file: not JSON, or not a
 * results file (with the place in it). A byte-order mark at the start is ignored.
 */
export function parseWorkshopResult(text: string, file: string): WorkshopResult {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new WorkbenchError('workshop-invalid', `${file} is not JSON (${e instanceof Error ? e.message : String(e)})`, 'Use the results file as the workshop page downloaded it.');
  }
  return validateWorkshopResult(json, file);
}
