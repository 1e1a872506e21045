/** Readers (and writers) of the official on-disk formats: IDX, CIFAR binary records, JPEG/PNG images. */
package org.swa4j.data.format;
