/** Geometric augmentation (pad-crop-flip, random-resized crop, resize + centre crop) and per-channel normalisation. */
package org.swa4j.data.augment;
