/**
 * The scoring model as an ONNX graph, out and in: the exporter, the import of a scorer trained elsewhere into an
 * index's live segment, and an ONNX Runtime scorer, the peer that Arbor's own scorer (and an imported model) is
 * checked and benchmarked against. Not needed to serve.
 */
package dev.arbor.onnx;
