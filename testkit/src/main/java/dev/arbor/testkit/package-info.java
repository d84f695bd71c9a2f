/**
 * Test support shared by several modules' tests: a seeded property runner that names the seed of a failing
 * case, and the steady-state allocation check of zero-garbage hot paths. Test scope only.
 */
package dev.arbor.testkit;
