package io.snowstream.sql;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/**
 * 12,000 random change events over 300 customers through the SQL on DuckDB, checked against {@link CustomerModel}
 * (see {@link RandomizedRun}). Reproducible: the seed is fixed, printed on failure, and can be changed with
 * {@code -Dsnowstream.sql.seed=<seed>}.
 */
class RandomizedChangeProcessingTest {

    @Test
    void sqlAgreesWithTheModel() throws SQLException {
        try (DuckDbWarehouse warehouse = new DuckDbWarehouse()) {
            new RandomizedRun(12_000, 300, 400).run(warehouse, 20261123L);
        }
    }
}
