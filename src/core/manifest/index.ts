/**
 * Manifest v1, the contract between a model and a table (see ./types and
 * docs/model-manifest.md): its types, validation of a parsed manifest.json, the layout of the
 * encoded row, the check of a table against it, and the encoding of features and target.
 */
export {
  MANIFEST_FORMAT,
  type CategoricalFeature,
  type LabelFeature,
  type ModelBinding,
  type ModelFormat,
  type ModelInputBinding,
  type GroupThresholds,
  type Manifest,
  type ManifestFeature,
  type NumericFeature,
  type ProtectedAttribute,
  type TrainingProvenance,
} from './types';
export { validateManifest } from './validate';
export { describeWidth, featureSlices, manifestWidth, type FeatureSlice } from './layout';
export { checkManifestAgainstTable, type ManifestCheck } from './check-table';
export { encodeTarget } from './target';
export { encodeTable } from './encode';
