/**
 * Public API of oversight: the hash-chained decision log (bias-workbench.decision-log/1), the
 * right to appeal, and the review queue whose decisions can become training labels. Pure
 * and synchronous; runs in Node, the page and workers. See docs/oversight.md.
 */
export { canonicalJson, modelFingerprint, sha256Hex } from './hash';
export {
  appendEntry,
  DECISION_LOG_FORMAT,
  entryHash,
  GENESIS_HASH,
  LOG_KINDS,
  parseJsonLines,
  toJsonLines,
  verifyLog,
  type LogEntry,
  type LogEntryInput,
  type LogKind,
  type VerifyResult,
} from './log';
export {
  appealAgeDays,
  appealStats,
  isDecided,
  openAppeal,
  transitionAppeal,
  wilsonInterval,
  type Appeal,
  type AppealGroupStats,
  type AppealState,
  type AppealStep,
} from './appeals';
export { overrideLabels, reviewItem, reviewQueue, type ReviewItem, type ReviewQueueInput, type ReviewReason } from './review';
export { appealLogInput, reviewLogInput, type LogContext } from './log-inputs';
