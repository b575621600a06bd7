package io.snowstream.sql;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The tables, stream and procedure on a real account, checked against {@link CustomerModel} like the DuckDB run.
 * Skipped, and reported as skipped, unless these are set: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER,
 * SNOWFLAKE_PRIVATE_KEY_FILE, SNOWFLAKE_WAREHOUSE and SNOWFLAKE_DATABASE (a database in which the role may create
 * a schema); optional SNOWFLAKE_ROLE and SNOWFLAKE_PRIVATE_KEY_PASSPHRASE. The test works in a new schema
 * SNOWSTREAM_TEST_... and drops it at the end. Roles, integration, stage and pipe need ACCOUNTADMIN and a bucket:
 * they are exercised by deploying with run.sh.
 */
class SnowflakeAccountTest {

    @Test
    void proceduresAgreeWithTheModelOnARealAccount() throws SQLException {
        final String account = System.getenv("SNOWFLAKE_ACCOUNT");
        final String user = System.getenv("SNOWFLAKE_USER");
        final String keyFile = System.getenv("SNOWFLAKE_PRIVATE_KEY_FILE");
        final String warehouseName = System.getenv("SNOWFLAKE_WAREHOUSE");
        final String database = System.getenv("SNOWFLAKE_DATABASE");
        assumeTrue(
                account != null && user != null && keyFile != null && warehouseName != null && database != null,
                "set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY_FILE, SNOWFLAKE_WAREHOUSE and SNOWFLAKE_DATABASE"
                        + " to run against a real account");

        final Properties properties = new Properties();
        properties.put("user", user);
        properties.put("authenticator", "SNOWFLAKE_JWT");
        properties.put("private_key_file", keyFile);
        if (System.getenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE") != null) {
            properties.put("private_key_file_pwd", System.getenv("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"));
        }
        if (System.getenv("SNOWFLAKE_ROLE") != null) {
            properties.put("role", System.getenv("SNOWFLAKE_ROLE"));
        }
        properties.put("warehouse", warehouseName);
        properties.put("db", database);

        final Map<String, String> variables = new HashMap<>(SqlScript.variables());
        variables.put("database", database);
        variables.put(
                "schema",
                "SNOWSTREAM_TEST_"
                        + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT));
        variables.put("warehouse", warehouseName);

        final Connection connection =
                DriverManager.getConnection("jdbc:snowflake://" + account + ".snowflakecomputing.com/", properties);
        try (SnowflakeWarehouse warehouse = new SnowflakeWarehouse(connection, variables)) {
            new RandomizedRun(600, 25, 80).run(warehouse, 20261123L);
        }
    }
}
