/** Seeded per-pass shuffling and the prefetching batch iterator. */
package org.swa4j.data.iterate;
