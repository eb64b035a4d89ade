/**
 * Anonymisation before anything leaves the page: identifier-like columns found
 * ({@link detectIdentifiers}) and dropped or pseudonymised with a per-output salt
 * ({@link anonymiseTable}); small cells hidden in published tables, with complementary
 * suppression ({@link suppressSmallCells}); the k-anonymity check over protected and
 * quasi-identifier columns ({@link kAnonymity}). Pure; runs in Node, the page and workers.
 */
export { VALUE_SHARE, detectIdentifier, detectIdentifiers, type DetectOptions, type IdentifierFinding, type IdentifierKind } from './identifiers';
export { anonymiseTable, pseudonymiseColumn, randomSalt, saltedHash, type IdentifierAction, type IdentifierTreatment } from './pseudonymise';
export { equivalenceClasses, kAnonymity, type KAnonymityResult } from './k-anonymity';
export { fewerThan, suppressSmallCells, type SuppressionKind, type SuppressionResult } from './suppress';

/** The default k: groups with fewer rows are not published. */
export const DEFAULT_K = 10;
