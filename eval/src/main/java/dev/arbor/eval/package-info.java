/**
 * The quality protocol: precision, recall and F at K over held-out users, a segment's quality by beam search
 * and by brute force (and their fidelity), and the baselines it is compared with (Item-CF, popularity, a two-tower
 * model), with their defaults or tuned on the validation users.
 */
package dev.arbor.eval;
