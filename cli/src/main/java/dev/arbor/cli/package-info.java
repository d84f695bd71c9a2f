/**
 * The {@code arbor} command line (picocli): one class per command, turning options into calls of the jobs and
 * libraries and rendering their results and progress for a person.
 */
package dev.arbor.cli;
