/**
 * From a raw interaction log to training samples: readers for the supported formats (errors name the
 * file and line; the generic CSV takes string ids as names, {@code format.ExternalIds}), dense id ordinals, the TDM
 * paper's user split into training, validation and test users, and the sliding windows of behaviours that make the
 * samples; and the items file that {@code arbor add-items} reads ({@link dev.arbor.dataset.NewItems}).
 */
package dev.arbor.dataset;
