/**
 * {@code arbor serve}: retrieval over HTTP/JSON from the live segment of an index directory, a tree or a path lattice,
 * with hot swap, the user-history store, admission control and Prometheus metrics.
 */
package dev.arbor.serve;
