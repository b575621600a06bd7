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

    /**
     * The settings that decide what each event does and to which customer (the four shares and the tracked
     * customers), as a short text for NiFi state: events replayed with them issue exactly the customer ids they
     * issued the first time.
     */
    public String draws() {
        return insertPercent + "," + updatePercent + "," + deletePercent + "," + invalidPercent + ","
                + trackedCustomers;
    }

    /** These settings with the shares and tracked customers of a {@link #draws()} text. */
    public GeneratorSettings withDraws(final String draws) {
        final String[] values = draws.split(",", -1);
        if (values.length != 5) {
            throw new IllegalArgumentException(
                    "Draw settings must be five comma-separated numbers, not '" + draws + "'");
        }
        try {
            return new GeneratorSettings(
                    locale,
                    seeded,
                    percentage(values[0]),
                    percentage(values[1]),
                    percentage(values[2]),
                    percentage(values[3]),
                    Integer.parseInt(values[4]),
                    simulatedStartMillis,
                    eventTimeStepMillis);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Draw settings hold a malformed number: '" + draws + "'", e);
        }
    }

    private static double percentage(final String value) {
        final double percentage = Double.parseDouble(value);
        if (!(percentage >= 0 && percentage <= 100)) {
            throw new IllegalArgumentException("A share must lie between 0 and 100, not " + value);
        }
        return percentage;
    }
}
