/**
 * How library code tells its caller what long work it is doing, without printing anything itself.
 *
 * <p>Readers, tree builders, trainers and evaluators take a {@link dev.arbor.progress.ProgressListener} and report
 * to it: tasks that advance (a file read, users evaluated), and one-line messages (a stage's summary, skipped input
 * lines). The application decides what the user sees: the {@code arbor} command renders a bar on a terminal and
 * plain, rate-limited lines in a log or pipe; tests and embedders pass {@link
 * dev.arbor.progress.ProgressListener#SILENT}, which is also what the overloads without a listener use.
 */
package dev.arbor.progress;
