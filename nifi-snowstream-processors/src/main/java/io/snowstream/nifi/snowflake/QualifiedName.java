package io.snowstream.nifi.snowflake;

import java.util.Objects;

/** A schema-level object such as a pipe or a table: database, schema and object name. */
public record QualifiedName(SnowflakeIdentifier database, SnowflakeIdentifier schema, SnowflakeIdentifier name) {

    public QualifiedName {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    public static QualifiedName parse(final String database, final String schema, final String name) {
        return new QualifiedName(
                SnowflakeIdentifier.parse(database),
                SnowflakeIdentifier.parse(schema),
                SnowflakeIdentifier.parse(name));
    }

    /** {@code "DB"."SCHEMA"."NAME"}: for SQL text. */
    public String toSql() {
        return database.toSql() + '.' + schema.toSql() + '.' + name.toSql();
    }

    /** {@code DB.SCHEMA.NAME}, quoting only parts that need it: for the REST API, metadata and URIs. */
    public String toCanonical() {
        return database.toCanonical() + '.' + schema.toCanonical() + '.' + name.toCanonical();
    }

    @Override
    public String toString() {
        return toCanonical();
    }
}
