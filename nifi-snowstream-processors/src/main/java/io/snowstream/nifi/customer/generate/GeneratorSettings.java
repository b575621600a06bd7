package io.snowstream.nifi.customer.generate;

import java.util.Locale;

/**
 * What the generator is asked to produce. The four percentages split the events: {@code invalidPercent} of all
 * records break one validator rule; the others are inserts, updates and deletes in the ratio of the other three,
 * which add up to 100.
 *
 * @param simulatedStartMillis event time of event 0 when the stream is seeded ({@code seeded}); ignored otherwise
 * @param eventTimeStepMillis event time added per event when the stream is seeded; ignored otherwise
 */
public record GeneratorSettings(
    Locale locale,
    boolean seeded,
    double insertPercent,
    double updatePercent,
    double deletePercent,
    double invalidPercent,
    int trackedCustomers,
    long simulatedStartMillis,
    long eventTimeStepMillis) {

    public static final double TOLERANCE = 1e-9;

    public GeneratorSettings {
        if (Math.abs(insertPercent + updatePercent + deletePercent - 100) > TOLERANCE) {
            throw new IllegalArgumentException("Insert, update and delete percentages must add up to 100");
        }
        if (trackedCustomers < 1) {
            throw new IllegalArgumentException("At least one customer must be tracked");
        }
        if (eventTimeStepMillis < 0) {
            throw new IllegalArgumentException("The event time step must not be negative");
        }
    }
}
