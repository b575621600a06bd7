package io.snowstream.nifi.properties;

import org.apache.nifi.components.DescribedValue;

/**
 * The one shape of the bundle's allowable-value enums: a constant's value is its name (what a flow stores), and the
 * constant carries only the {@link Label} the UI shows, so no enum repeats the getters.
 */
public interface DescribedChoice extends DescribedValue {

    /** The display name and description the UI shows for a choice. */
    record Label(String displayName, String description) {}

    Label label();

    @Override
    default String getValue() {
        return ((Enum<?>) this).name();
    }

    @Override
    default String getDisplayName() {
        return label().displayName();
    }

    @Override
    default String getDescription() {
        return label().description();
    }
}
