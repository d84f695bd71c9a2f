/**
 * End-to-end jobs: read a log, split it, optionally search the training hyperparameters on the validation users,
 * train round by round, publish each round as a segment with its provenance, and evaluate it; and add new items to
 * a trained tree's spare leaves as a new generation ({@link dev.arbor.jobs.AddItemsJob}). The command line and the
 * server call these; they hold no learning algorithm of their own.
 */
package dev.arbor.jobs;
