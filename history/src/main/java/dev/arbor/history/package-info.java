/** The user-history store: each user's most recent item ids, persisted so that an acknowledged append survives a crash. */
package dev.arbor.history;
