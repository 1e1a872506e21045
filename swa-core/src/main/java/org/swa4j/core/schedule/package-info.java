/**
 * Learning-rate schedules of SWA, cyclic SWA, FGE and torch's SWALR, as ND4J {@code ISchedule}s that
 * serialise with the network configuration (Jackson, shaded as {@code org.nd4j.shade.jackson}).
 */
package org.swa4j.core.schedule;
