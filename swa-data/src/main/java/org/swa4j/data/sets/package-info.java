/** The named data sets: where their files are found, how they are read, limited and normalised. */
package org.swa4j.data.sets;
