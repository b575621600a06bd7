package io.snowstream.nifi.snowflake.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.snowstream.nifi.snowflake.auth.KeyPairJwt;
import io.snowstream.nifi.snowflake.auth.PrivateKeys;
import net.snowflake.client.jdbc.SnowflakeDriver;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.lifecycle.OnDisabled;
import org.apache.nifi.annotation.lifecycle.OnEnabled;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.DescribedValue;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.controller.ConfigurationContext;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.reporting.InitializationException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.snowstream.nifi.properties.ExpressionLanguageValidators.afterExpressionLanguage;

@Tags({"snowflake", "jdbc", "snowpipe", "key pair", "connection", "pool"})
@CapabilityDescription("Connects to one Snowflake account as one user: pooled JDBC connections through the Snowflake"
        + " JDBC driver (re-established after a failure) and key-pair JWTs for the Snowpipe REST API. Key-pair"
        + " authentication (PKCS#8 PEM, encrypted or not, from a property or a file) is the default; password login"
        + " is offered but weaker. The driver's own retries and timeouts are bounded, so that no NiFi thread waits"
        + " minutes on an unreachable account.")
public class StandardSnowflakeConnectionService extends AbstractControllerService implements SnowflakeConnectionService {

    enum AuthenticationMethod implements DescribedValue {
        KEY_PAIR("Key Pair", "RSA key pair registered on the user (ALTER USER ... SET RSA_PUBLIC_KEY). Needed by the"
                + " Snowpipe REST API."),
        PASSWORD("Password", "User name and password. Weaker than a key pair, and Snowflake is phasing passwords out"
                + " for service users; JDBC only, the Snowpipe REST API cannot use it.");

        private final String displayName;
        private final String description;

        AuthenticationMethod(final String displayName, final String description) {
            this.displayName = displayName;
            this.description = description;
        }

        @Override
        public String getValue() {
            return name();
        }

        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public String getDescription() {
            return description;
        }
    }

    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public static final PropertyDescriptor ACCOUNT_IDENTIFIER = new PropertyDescriptor.Builder()
            .name("Account Identifier")
            .description("The account, as <organization>-<account name> (e.g. myorg-myaccount) or as a legacy"
                    + " locator with its region (e.g. xy12345.eu-west-1).")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.createRegexMatchingValidator(ACCOUNT)))
            .build();

    public static final PropertyDescriptor ACCOUNT_URL = new PropertyDescriptor.Builder()
            .name("Account URL")
            .description("Where the account answers. Defaults to https://<account identifier>.snowflakecomputing.com;"
                    + " set it for PrivateLink (e.g. https://myorg-myaccount.privatelink.snowflakecomputing.com).")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.URL_VALIDATOR))
            .build();

    public static final PropertyDescriptor USER = new PropertyDescriptor.Builder()
            .name("User")
            .description("The Snowflake user (a service user, TYPE = SERVICE, is the usual choice).")
            .required(true)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .build();

    public static final PropertyDescriptor ROLE = new PropertyDescriptor.Builder()
            .name("Role")
            .description("Role for the session; the user's default role when empty. See the docs for the grants the"
                    + " role needs (sql/ names it SNOWSTREAM_LOADER).")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .build();

    public static final PropertyDescriptor WAREHOUSE = new PropertyDescriptor.Builder()
            .name("Warehouse")
            .description("Warehouse for queries (COPY_HISTORY). ALTER PIPE ... REFRESH and the REST API need none.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.NON_BLANK_VALIDATOR))
            .build();

    /**
     * The one-key rule sits on Authentication Method, which always has a value, rather than in customValidate: NiFi
     * calls customValidate only once every property is valid, so a user would learn that the key is missing last.
     */
    private static final Validator ONE_KEY_SOURCE = (subject, input, context) -> {
        final boolean keyPair = AuthenticationMethod.KEY_PAIR.getValue().equals(input);
        // qualified: the key properties are declared further down, as they depend on this one
        final boolean inline = context.getProperty(StandardSnowflakeConnectionService.PRIVATE_KEY).isSet();
        final boolean file = context.getProperty(StandardSnowflakeConnectionService.PRIVATE_KEY_FILE).isSet();
        final String explanation = !keyPair || inline != file ? null : inline
                ? "Key Pair takes the key from one place: set Private Key or Private Key File, not both"
                : "Key Pair needs the private key: set Private Key (the PEM text) or Private Key File (its path)";
        return new ValidationResult.Builder().subject(subject).input(input).valid(explanation == null)
                .explanation(explanation).build();
    };

    public static final PropertyDescriptor AUTHENTICATION_METHOD = new PropertyDescriptor.Builder()
            .name("Authentication Method")
            .description("How the user proves its identity.")
            .required(true)
            .allowableValues(AuthenticationMethod.class)
            .defaultValue(AuthenticationMethod.KEY_PAIR)
            .addValidator(ONE_KEY_SOURCE)
            .build();

    public static final PropertyDescriptor PRIVATE_KEY = new PropertyDescriptor.Builder()
            .name("Private Key")
            .description("The PKCS#8 PEM private key text (-----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE"
                    + " KEY-----). Set this or Private Key File.")
            .required(false)
            .sensitive(true)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .dependsOn(AUTHENTICATION_METHOD, AuthenticationMethod.KEY_PAIR)
            .build();

    public static final PropertyDescriptor PRIVATE_KEY_FILE = new PropertyDescriptor.Builder()
            .name("Private Key File")
            .description("Path to a PKCS#8 PEM private key file readable by NiFi only. Set this or Private Key.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT)
            .addValidator(afterExpressionLanguage(StandardValidators.FILE_EXISTS_VALIDATOR))
            .dependsOn(AUTHENTICATION_METHOD, AuthenticationMethod.KEY_PAIR)
            .build();

    public static final PropertyDescriptor PRIVATE_KEY_PASSPHRASE = new PropertyDescriptor.Builder()
            .name("Private Key Passphrase")
            .description("Passphrase of an encrypted private key.")
            .required(false)
            .sensitive(true)
            .addValidator(StandardValidators.NON_EMPTY_VALIDATOR)
            .dependsOn(AUTHENTICATION_METHOD, AuthenticationMethod.KEY_PAIR)
            .build();

    public static final PropertyDescriptor PASSWORD = new PropertyDescriptor.Builder()
            .name("Password")
            .description("The user's password (weaker than a key pair).")
            .required(true)
            .sensitive(true)
            .addValidator(StandardValidators.NON_EMPTY_VALIDATOR)
            .dependsOn(AUTHENTICATION_METHOD, AuthenticationMethod.PASSWORD)
            .build();

    public static final PropertyDescriptor LOGIN_TIMEOUT = new PropertyDescriptor.Builder()
            .name("Login Timeout")
            .description("Longest time to wait for a session, retries included; also how long a caller waits for a"
                    + " pooled connection.")
            .required(true)
            .defaultValue("20 sec")
            .addValidator(StandardValidators.createTimePeriodValidator(1, TimeUnit.SECONDS, 10, TimeUnit.MINUTES))
            .build();

    public static final PropertyDescriptor NETWORK_TIMEOUT = new PropertyDescriptor.Builder()
            .name("Network Timeout")
            .description("Longest time one statement or one REST request may take, the driver's retries included.")
            .required(true)
            .defaultValue("30 sec")
            .addValidator(StandardValidators.createTimePeriodValidator(1, TimeUnit.SECONDS, 10, TimeUnit.MINUTES))
            .build();

    public static final PropertyDescriptor MAX_HTTP_RETRIES = new PropertyDescriptor.Builder()
            .name("Max HTTP Retries")
            .description("How often the driver repeats a request that got HTTP 5xx/429 or no answer, before the error"
                    + " reaches the processor (which routes to retry). The driver's own default, 7, can hold a thread"
                    + " for about half a minute per statement.")
            .required(true)
            .defaultValue("2")
            .addValidator(StandardValidators.createLongValidator(1, 20, true))
            .build();

    public static final PropertyDescriptor MAX_POOL_SIZE = new PropertyDescriptor.Builder()
            .name("Max Pool Size")
            .description("Most connections (Snowflake sessions) open at once; idle ones are closed.")
            .required(true)
            .defaultValue("4")
            .addValidator(StandardValidators.createLongValidator(1, 64, true))
            .build();

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(
            ACCOUNT_IDENTIFIER, ACCOUNT_URL, USER, ROLE, WAREHOUSE, AUTHENTICATION_METHOD, PRIVATE_KEY,
            PRIVATE_KEY_FILE, PRIVATE_KEY_PASSPHRASE, PASSWORD, LOGIN_TIMEOUT, NETWORK_TIMEOUT, MAX_HTTP_RETRIES,
            MAX_POOL_SIZE);

    private volatile DriverDataSource dataSource;
    private volatile HikariDataSource pool;
    private volatile HttpClient httpClient;
    private volatile KeyPairJwt jwt;
    private volatile String account;
    private volatile URI accountUrl;
    private volatile Duration requestTimeout;

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTY_DESCRIPTORS;
    }

    @OnEnabled
    public void onEnabled(final ConfigurationContext context) throws InitializationException {
        account = context.getProperty(ACCOUNT_IDENTIFIER).evaluateAttributeExpressions().getValue();
        final String configuredUrl = context.getProperty(ACCOUNT_URL).evaluateAttributeExpressions().getValue();
        accountUrl = URI.create(configuredUrl != null ? configuredUrl
                : "https://" + account.toLowerCase(Locale.ROOT) + ".snowflakecomputing.com");
        final String user = context.getProperty(USER).evaluateAttributeExpressions().getValue();
        final Duration loginTimeout = Duration.ofMillis(context.getProperty(LOGIN_TIMEOUT)
                .asTimePeriod(TimeUnit.MILLISECONDS));
        requestTimeout = Duration.ofMillis(context.getProperty(NETWORK_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS));

        final Properties driverProperties = new Properties();
        driverProperties.put("user", user);
        if (context.getProperty(AUTHENTICATION_METHOD).asAllowableValue(AuthenticationMethod.class)
                == AuthenticationMethod.KEY_PAIR) {
            final PrivateKey privateKey = readPrivateKey(context);
            driverProperties.put("authenticator", "SNOWFLAKE_JWT");
            driverProperties.put("privateKey", privateKey);
            jwt = new KeyPairJwt(account, user, privateKey, Clock.systemUTC());
            // the public key's fingerprint is no secret, and it is what DESC USER shows to compare with
            getLogger().info("Snowflake user {} authenticates with the key pair {}", user,
                    KeyPairJwt.fingerprint(privateKey));
        } else {
            driverProperties.put("password", context.getProperty(PASSWORD).getValue());
            jwt = null;
        }
        driverProperties.put("loginTimeout", String.valueOf(Math.max(1, loginTimeout.toSeconds())));
        driverProperties.put("networkTimeout", String.valueOf(requestTimeout.toMillis()));
        driverProperties.put("maxHttpRetries", context.getProperty(MAX_HTTP_RETRIES).getValue());

        final HikariConfig config = new HikariConfig();
        config.setPoolName("snowflake-" + getIdentifier());
        dataSource = new DriverDataSource(new SnowflakeDriver(), jdbcUrl(context), driverProperties);
        config.setDataSource(dataSource);
        config.setMaximumPoolSize(context.getProperty(MAX_POOL_SIZE).asInteger());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, loginTimeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(5_000, requestTimeout.toMillis())));
        // enabling must not fail because Snowflake is briefly unreachable: connections are made on demand
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        pool = new HikariDataSource(config);
        httpClient = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    private PrivateKey readPrivateKey(final ConfigurationContext context) throws InitializationException {
        final String passphrase = context.getProperty(PRIVATE_KEY_PASSPHRASE).getValue();
        final char[] passphraseChars = passphrase == null ? null : passphrase.toCharArray();
        try {
            final String pem = context.getProperty(PRIVATE_KEY).isSet()
                    ? context.getProperty(PRIVATE_KEY).getValue()
                    : Files.readString(Path.of(context.getProperty(PRIVATE_KEY_FILE).evaluateAttributeExpressions()
                    .getValue()));
            return PrivateKeys.read(pem, passphraseChars);
        } catch (final IOException e) {
            throw new InitializationException("could not read the private key file: " + e.getMessage());
        } catch (final IllegalArgumentException e) {
            throw new InitializationException("private key: " + e.getMessage());
        }
    }

    private String jdbcUrl(final ConfigurationContext context) {
        final StringBuilder url = new StringBuilder("jdbc:snowflake://").append(accountUrl.getHost());
        if (accountUrl.getPort() > 0) {
            url.append(':').append(accountUrl.getPort());
        }
        url.append("/?account=").append(encode(account));
        if ("http".equalsIgnoreCase(accountUrl.getScheme())) {
            url.append("&ssl=off");
        }
        final String role = context.getProperty(ROLE).evaluateAttributeExpressions().getValue();
        if (role != null) {
            url.append("&role=").append(encode(role));
        }
        final String warehouse = context.getProperty(WAREHOUSE).evaluateAttributeExpressions().getValue();
        if (warehouse != null) {
            url.append("&warehouse=").append(encode(warehouse));
        }
        return url.toString();
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @OnDisabled
    public void onDisabled() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (httpClient != null) {
            httpClient.close();
            httpClient = null;
        }
        jwt = null;
    }

    @Override
    public Connection getConnection() throws SQLException {
        final HikariDataSource current = pool;
        if (current == null) {
            throw new ProcessException("the Snowflake connection service is not enabled");
        }
        final Optional<SQLException> refused = dataSource.recentRefusal();
        if (refused.isPresent()) {
            throw refused.get();
        }
        try {
            return current.getConnection();
        } catch (final SQLTransientConnectionException e) {
            // the pool's timeout hides why the driver could not connect (login refused, account unreachable)
            if (e.getCause() instanceof SQLException driverFailure) {
                throw driverFailure;
            }
            throw e;
        }
    }

    @Override
    public String getAccount() {
        return account;
    }

    @Override
    public URI getAccountUrl() {
        return accountUrl;
    }

    @Override
    public HttpClient getHttpClient() {
        return httpClient;
    }

    @Override
    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    @Override
    public boolean supportsRestApi() {
        return jwt != null;
    }

    @Override
    public String getRestToken() {
        final KeyPairJwt current = jwt;
        if (current == null) {
            throw new IllegalStateException("the Snowpipe REST API needs key-pair authentication");
        }
        return current.token();
    }
}
