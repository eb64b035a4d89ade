/**
 * Explanations of a Scorer, per dataset column: interventional Shapley values (exact and
 * permutation), background builders, group views, permutation importance (performance and
 * fairness) and proxy detection. Pure TypeScript over typed arrays; the model is reached only
 * through the Scorer interface.
 */
export * from './common';
export * from './shapley';
export * from './permutations';
export * from './chunks';
export * from './background';
export * from './groups';
export * from './importance';
export * from './proxy';
