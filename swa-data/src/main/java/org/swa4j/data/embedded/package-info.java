/** The generator of the embedded Fashion-MNIST subset (run by scripts/make-embedded-fashion-mnist.sh). */
package org.swa4j.data.embedded;
