/**
 * Training a model over a tree: TDM's layer-wise sampler (each positive's ancestors, random negatives per
 * level), the epoch loop, and the alternation of training and tree learning. JTM and OTM plug in here as other
 * tree learners and pair samplers on the same loop.
 *
 * <p>OTM ({@link dev.arbor.treetrain.OtmSampler}) trains the model on what it will be used for: before each step
 * the serving beam search runs over the model as it stands ({@link dev.arbor.treetrain.TrainingTree}) for every
 * sample, and the nodes it scores become that sample's pairs, labelled with
 * {@link dev.arbor.treetrain.PseudoTargets pseudo-targets}, the highest-scoring child's target from the leaves up.
 */
package dev.arbor.treetrain;
