/** Public API of the audit's shared builders: its inputs (and, next to them, its report). */
export {
  MAX_UNBINNED_LEVELS,
  attributeName,
  attributeReferences,
  auditFrameInput,
  buildAttributes,
  decideRows,
  intersectionSets,
  protectedGroups,
  quartileCuts,
  rowWeights,
  sliceColumns,
  type AttributeOptions,
} from './inputs';
