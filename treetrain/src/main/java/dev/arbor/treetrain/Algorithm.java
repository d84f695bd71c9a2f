package dev.arbor.treetrain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which member of the tree family trains the index, with its parameters. All three alternate training the model with
 * rebuilding the tree; they differ in how the tree is rebuilt and which nodes the model trains on.
 */
public sealed interface Algorithm {

    /** The name {@code --algorithm} takes and segments record: "tdm", "jtm" or "otm". */
    String key();

    /** The parameters, as segment properties ({@code train.algorithm} and {@code train.<key>.*}). */
    Map<String, String> properties();

    /** TDM: balanced k-means over the learnt item embeddings between rounds, layer-wise sampled nodes. */
    record Tdm() implements Algorithm {
        @Override
        public String key() {
            return "tdm";
        }

        @Override
        public Map<String, String> properties() {
            return Map.of("train.algorithm", key());
        }
    }

    /**
     * JTM (arXiv 1902.07565, Algorithm 2): between rounds, each item moves to the leaf that maximises the model's own
     * log-likelihood of its training samples along the path, assigned from the root down {@code gap} levels at a time
     * with lazy rebalancing.
     *
     * @param gap            levels assigned per step (the paper's d)
     * @param samplesPerItem the most training samples of one item that score its candidate nodes (0 = all)
     */
    record Jtm(int gap, int samplesPerItem) implements Algorithm {
        public Jtm {
            if (gap < 1) {
                throw new IllegalArgumentException("--jtm-gap must be at least 1 level, got " + gap);
            }
            if (samplesPerItem < 0) {
                throw new IllegalArgumentException("--jtm-samples-per-item must be >= 0 (0 = all), got " + samplesPerItem);
            }
        }

        @Override
        public String key() {
            return "jtm";
        }

        @Override
        public Map<String, String> properties() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("train.algorithm", key());
            p.put("train.jtm.gap", Integer.toString(gap));
            p.put("train.jtm.samplesPerItem", Integer.toString(samplesPerItem));
            return p;
        }
    }

    /**
     * OTM (arXiv 2006.15408, Algorithm 1): the model trains on the nodes that beam search visits, labelled with
     * pseudo-targets computed bottom-up.
     *
     * @param beam          the training beam search's width
     * @param labels        the user's next items that form a sample's label set
     * @param beamNodes     train on the beam's nodes (false: TDM's sampled nodes, the OTM(-BS) ablation)
     * @param pseudoTargets label nodes with the pseudo-targets (false: TDM's ancestor labels, the OTM(-OptEst) ablation)
     * @param warmUpRounds  first rounds trained TDM's way, so that the beam of the rounds after finds positives
     */
    record Otm(int beam, int labels, boolean beamNodes, boolean pseudoTargets, int warmUpRounds) implements Algorithm {
        /** Without warm-up rounds: OTM from the first round. */
        public Otm(int beam, int labels, boolean beamNodes, boolean pseudoTargets) {
            this(beam, labels, beamNodes, pseudoTargets, 0);
        }

        public Otm {
            if (warmUpRounds < 0) {
                throw new IllegalArgumentException("--otm-warm-up-rounds must be >= 0, got " + warmUpRounds);
            }
            if (labels < 1) {
                throw new IllegalArgumentException("--otm-labels must be at least 1, got " + labels);
            }
            if (beam < labels) {
                throw new IllegalArgumentException("--otm-beam " + beam + " is narrower than --otm-labels " + labels
                        + ": the beam could not hold every positive");
            }
        }

        @Override
        public String key() {
            return "otm";
        }

        @Override
        public Map<String, String> properties() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("train.algorithm", key());
            p.put("train.otm.beam", Integer.toString(beam));
            p.put("train.otm.labels", Integer.toString(labels));
            p.put("train.otm.nodes", beamNodes ? "beam" : "sampled");
            p.put("train.otm.targets", pseudoTargets ? "pseudo" : "tdm");
            p.put("train.otm.warmUpRounds", Integer.toString(warmUpRounds));
            return p;
        }
    }
}
