/**
 * Training a model over a tree: TDM's layer-wise sampler (each positive's ancestors, random negatives per
 * level), the epoch loop, and the alternation of training and tree learning. JTM and OTM are another tree learner
 * and another pair sampler on the same loop ({@link dev.arbor.treetrain.Algorithm}).
 *
 * <p>JTM ({@link dev.arbor.treetrain.JtmTreeLearner}) rebuilds the tree against the trained model's own
 * log-likelihood: from the root down, a few levels at a time, each item goes to the node whose path its samples find
 * most likely, within every node's capacity ({@link dev.arbor.treetrain.Rebalancer}). Its hierarchical user
 * preference ({@link dev.arbor.format.HierarchicalHistory}) has each level read the history's ancestors on that
 * level; {@link dev.arbor.treetrain.HierarchicalGroups} trains it.
 *
 * <p>OTM ({@link dev.arbor.treetrain.OtmSampler}) trains the model on what it will be used for: before each step
 * the serving beam search runs over the model as it stands ({@link dev.arbor.treetrain.TrainingTree}) for every
 * sample, and the nodes it scores become that sample's pairs, labelled with
 * {@link dev.arbor.treetrain.PseudoTargets pseudo-targets}, the highest-scoring child's target from the leaves up.
 */
package dev.arbor.treetrain;
