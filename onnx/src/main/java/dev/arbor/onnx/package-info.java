/**
 * The scoring model as an ONNX graph, and an ONNX Runtime scorer: the peer that Arbor's own scorer is
 * checked and benchmarked against. Not needed to serve.
 */
package dev.arbor.onnx;
