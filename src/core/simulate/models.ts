/**
 * The loop's models: trained on the pool with core's `trainModel` (seeded, no validation
 * split: the next batch is the test; batches of 512, Adam at LEARNING_RATE, epochs as
 * SimulationConfig.epochs says), reweighed by town size × recorded outcome under the
 * 'reweigh' remedy with core/mitigate's `reweigh`, and scored with core's model scorer.
 */
import { encodeTable, type Manifest } from '../manifest';
import { reweigh } from '../mitigate';
import { createModelScorer } from '../model';
import type { LayersModel } from '../tf';
import { trainModel } from '../train';
import type { ColumnTable } from '../table';
import { TRAINING_BATCH_SIZE, trainingEpochs, type Remedy, type SimulationModel } from './config';
import { LEAD_FEATURES, LEAD_TARGET } from './generate';
import { TOWN_SIZES } from './knobs';
import type { PoolTable } from './pool';

/**
 * Adam's step size per model kind. The logistic model takes 0.05 rather than trainModel's
 * 0.01: at 0.01 a model trained on 20,000 leads for 5 epochs is still far from converged and
 * has barely learned the proxy; at 0.05 it scores like the 0.01 model does after 20 epochs, at a
 * quarter of the time. The MLP keeps 0.01, where it trains stably.
 */
export const LEARNING_RATE = { logistic: 0.05, mlp: 0.01 } as const;

export interface LoopModel {
  model: LayersModel;
  manifest: Manifest;
  /** passes over the pool it was trained with */
  epochs: number;
  /** rows it was trained on */
  rows: number;
}

export interface RetrainOptions {
  kind: SimulationModel;
  /** as SimulationConfig.epochs: undefined = automatic */
  epochs: number | undefined;
  remedy: Remedy;
  seed: number;
  shouldStop?: () => boolean;
}

/** A model trained on the whole pool (reweighed under the 'reweigh' remedy). The caller disposes `model`. */
export async function trainOnPool(pool: PoolTable, options: RetrainOptions): Promise<LoopModel> {
  const epochs = trainingEpochs(pool.table.nRows, options.epochs);
  const sampleWeight = options.remedy === 'reweigh' ? reweigh(pool.labels, pool.townCodes, TOWN_SIZES.length).weights : undefined;
  const { model, manifest } = await trainModel(
    pool.table,
    { target: { ...LEAD_TARGET }, features: [...LEAD_FEATURES], name: 'Simulated CRM lead score' },
    {
      kind: options.kind,
      seed: options.seed,
      epochs,
      batchSize: TRAINING_BATCH_SIZE,
      learningRate: LEARNING_RATE[options.kind],
      validationFraction: 0,
      date: null,
      ...(sampleWeight ? { sampleWeight } : {}),
      ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    },
  );
  return { model, manifest, epochs, rows: pool.table.nRows };
}

/** P(convert) per row of `table` under the model. */
export async function scoreTable(m: LoopModel, table: ColumnTable): Promise<Float32Array> {
  const scorer = createModelScorer(m.model, m.manifest);
  try {
    return await scorer.predict(encodeTable(table, m.manifest), table.nRows);
  } finally {
    scorer.dispose();
  }
}
