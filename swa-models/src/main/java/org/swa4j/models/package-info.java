/** The paper's architectures as pure functions from immutable specs to DL4J configurations. */
package org.swa4j.models;
