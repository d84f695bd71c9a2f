/**
 * Test support shared by several modules' tests: a seeded property runner that names the seed of a failing
 * case. Test scope only.
 */
package dev.arbor.testkit;
