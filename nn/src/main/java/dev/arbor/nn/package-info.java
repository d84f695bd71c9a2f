/**
 * Trainable networks: the attention-DNN and the MLP as a {@link dev.arbor.nn.TrainableModel} with an
 * embedding table, their forward and backward passes on the scorer's kernels, and the optimiser state and worker
 * pool that train them deterministically whatever the thread count. It knows nothing of trees: a row of the
 * embedding table is whatever the caller says it is.
 */
package dev.arbor.nn;
