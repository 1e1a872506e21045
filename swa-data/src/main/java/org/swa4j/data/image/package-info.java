/** Decoded images, labelled in-memory image sets, and deterministic stratified subsets. */
package org.swa4j.data.image;
