/**
 * The fairness constraints a model can be trained under, named once. A module of its own, with
 * no tfjs behind it, so that validating a scenario spec (the page's project worker, the first
 * screen) does not pull TensorFlow.js into a bundle that never trains.
 */
export type FairnessConstraint = 'demographic-parity' | 'equal-opportunity' | 'equalized-odds' | 'error-rate-parity';

export const FAIRNESS_CONSTRAINTS: readonly FairnessConstraint[] = ['demographic-parity', 'equal-opportunity', 'equalized-odds', 'error-rate-parity'];
