/**
 * Training a model over a tree: TDM's layer-wise sampler (each positive's ancestors, random negatives per
 * level), the epoch loop, and the alternation of training and tree learning. JTM and OTM plug in here as other
 * tree learners and pair samplers on the same loop.
 */
package dev.arbor.treetrain;
