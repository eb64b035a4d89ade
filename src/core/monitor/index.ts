/** Public API of monitoring: drift between a reference and a current sample, windows over time, the committee's policy. */
export * from './drift';
export * from './windows';
export * from './policy';
export { ksTwoSample, kolmogorovSurvival, type KsResult } from './ks';
export { chiSquareSurvival, gammaQ } from './special';
