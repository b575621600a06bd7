package io.snowstream.nifi.snowflake.service;

import static io.snowstream.nifi.properties.ExpressionLanguageValidators.afterExpressionLanguage;
import static io.snowstream.nifi.properties.VerificationSteps.step;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.snowstream.nifi.properties.DescribedChoice;
import io.snowstream.nifi.snowflake.auth.KeyPairJwt;
import io.snowstream.nifi.snowflake.auth.PrivateKeys;
import io.snowstream.nifi.snowflake.pipe.SnowflakeErrors;
import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.snowflake.client.jdbc.SnowflakeDriver;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.lifecycle.OnDisabled;
import org.apache.nifi.annotation.lifecycle.OnEnabled;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.context.PropertyContext;
import org.apache.nifi.controller.AbstractControllerService;
import org.apache.nifi.controller.ConfigurationContext;
import org.apache.nifi.controller.VerifiableControllerService;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.key.service.api.PrivateKeyService;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.proxy.ProxyConfiguration;
import org.apache.nifi.proxy.ProxySpec;
import org.apache.nifi.reporting.InitializationException;

@Tags({"snowstream", "snowflake", "jdbc", "snowpipe", "key pair", "connection", "pool"})
@CapabilityDescription("Connects to one Snowflake account as one user: pooled JDBC connections through the Snowflake"
        + " JDBC driver (re-established after a failure) and key-pair JWTs for the Snowpipe REST API. Key-pair"
        + " authentication (PKCS#8 PEM, encrypted or not, from a property, a file or NiFi's Private Key Service) is"
        + " the default; password login is offered but weaker. Verify checks the key, the login, the role and the"
        + " warehouse; a Proxy Configuration Service carries both the sessions and the REST requests. The driver's"
        + " own retries and timeouts are bounded, so that no NiFi thread waits minutes on an unreachable account.")
public class StandardSnowflakeConnectionService extends AbstractControllerService
        implements SnowflakeConnectionService, VerifiableControllerService {

    private static final String STEP_KEY = "Read the private key";
    private static final String STEP_LOGIN = "Log in";
    private static final String STEP_ROLE = "Use the role";
    private static final String STEP_WAREHOUSE = "Use the warehouse";

    enum AuthenticationMethod implements DescribedChoice {
        KEY_PAIR,
        PASSWORD;

        @Override
        public Label label() {
            return switch (this) {
                case KEY_PAIR ->
                    new Label(
                            "Key Pair",
                            "RSA key pair registered on the user (ALTER USER ... SET RSA_PUBLIC_KEY). Needed by the"
                                    + " Snowpipe REST API.");
                case PASSWORD ->
                    new Label(
                            "Password",
                            "User name and password. Weaker than a key pair, and Snowflake is phasing passwords out"
                                    + " for service users; JDBC only, the Snowpipe REST API cannot use it.");
            };
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
        final long sources = Stream.of(
                        StandardSnowflakeConnectionService.PRIVATE_KEY,
                        StandardSnowflakeConnectionService.PRIVATE_KEY_FILE,
                        StandardSnowflakeConnectionService.PRIVATE_KEY_SERVICE)
                .filter(property -> context.getProperty(property).isSet())
                .count();
        final String explanation = !keyPair || sources == 1
                ? null
                : sources == 0
                        ? "Key Pair needs the private key: set Private Key (the PEM text), Private Key File (its path) or"
                                + " Private Key Service"
                        : "Key Pair takes the key from one place: set only one of Private Key, Private Key File and Private"
                                + " Key Service";
        return new ValidationResult.Builder()
                .subject(subject)
                .input(input)
                .valid(explanation == null)
                .explanation(explanation)
                .build();
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

    public static final PropertyDescriptor PRIVATE_KEY_SERVICE = new PropertyDescriptor.Builder()
            .name("Private Key Service")
            .description("NiFi's private key service (StandardPrivateKeyService reads PKCS#8 keys, encrypted or not,"
                    + " from a file or a property), for a key shared with other components. Set this, Private Key or"
                    + " Private Key File.")
            .required(false)
            .identifiesControllerService(PrivateKeyService.class)
            .dependsOn(AUTHENTICATION_METHOD, AuthenticationMethod.KEY_PAIR)
            .build();

    public static final PropertyDescriptor PRIVATE_KEY_PASSPHRASE = new PropertyDescriptor.Builder()
            .name("Private Key Passphrase")
            .description(
                    "Passphrase of an encrypted Private Key or Private Key File (a Private Key Service has its own).")
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

    /** An HTTP proxy, with or without credentials, as NiFi's own Snowflake connection pool takes it. */
    private static final ProxySpec[] PROXY_SPECS = {ProxySpec.HTTP_AUTH};

    public static final PropertyDescriptor PROXY_CONFIGURATION_SERVICE =
            ProxyConfiguration.createProxyConfigPropertyDescriptor(PROXY_SPECS);

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(
            ACCOUNT_IDENTIFIER,
            ACCOUNT_URL,
            USER,
            ROLE,
            WAREHOUSE,
            AUTHENTICATION_METHOD,
            PRIVATE_KEY,
            PRIVATE_KEY_FILE,
            PRIVATE_KEY_SERVICE,
            PRIVATE_KEY_PASSPHRASE,
            PASSWORD,
            LOGIN_TIMEOUT,
            NETWORK_TIMEOUT,
            MAX_HTTP_RETRIES,
            MAX_POOL_SIZE,
            PROXY_CONFIGURATION_SERVICE);

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

    @Override
    protected Collection<ValidationResult> customValidate(final ValidationContext context) {
        final List<ValidationResult> results = new ArrayList<>();
        ProxyConfiguration.validateProxySpec(context, results, PROXY_SPECS);
        return results;
    }

    @OnEnabled
    public void onEnabled(final ConfigurationContext context) throws InitializationException {
        account = context.getProperty(ACCOUNT_IDENTIFIER)
                .evaluateAttributeExpressions()
                .getValue();
        accountUrl = accountUrl(context, account);
        final String user =
                context.getProperty(USER).evaluateAttributeExpressions().getValue();
        final Duration loginTimeout =
                Duration.ofMillis(context.getProperty(LOGIN_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS));
        requestTimeout = Duration.ofMillis(context.getProperty(NETWORK_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS));

        final PrivateKey privateKey = isKeyPair(context) ? readPrivateKey(context) : null;
        if (privateKey != null) {
            jwt = new KeyPairJwt(account, user, privateKey, Clock.systemUTC());
            // the public key's fingerprint is no secret, and it is what DESC USER shows to compare with
            getLogger()
                    .info(
                            "Snowflake user {} authenticates with the key pair {}",
                            user,
                            KeyPairJwt.fingerprint(privateKey));
        } else {
            jwt = null;
        }

        final HikariConfig config = new HikariConfig();
        config.setPoolName("snowflake-" + getIdentifier());
        dataSource = new DriverDataSource(
                new SnowflakeDriver(),
                jdbcUrl(context, account, accountUrl),
                driverProperties(context, user, privateKey));
        config.setDataSource(dataSource);
        config.setMaximumPoolSize(context.getProperty(MAX_POOL_SIZE).asInteger());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, loginTimeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(5_000, requestTimeout.toMillis())));
        // enabling must not fail because Snowflake is briefly unreachable: connections are made on demand
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        pool = new HikariDataSource(config);
        httpClient = restClient(context, requestTimeout);
    }

    /** The Snowpipe REST API's client: through the same proxy as the driver's sessions. */
    private static HttpClient restClient(final PropertyContext context, final Duration connectTimeout) {
        final HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        final ProxyConfiguration proxy = ProxyConfiguration.getConfiguration(context);
        if (proxy.getProxyType() == Proxy.Type.HTTP) {
            builder.proxy(ProxySelector.of(
                    InetSocketAddress.createUnresolved(proxy.getProxyServerHost(), proxy.getProxyServerPort())));
            if (proxy.hasCredential()) {
                builder.authenticator(new ProxyCredentials(proxy.getProxyUserName(), proxy.getProxyUserPassword()));
            }
        }
        return builder.build();
    }

    /** Answers the proxy's challenge only: the REST API itself authenticates with the key-pair JWT. */
    private static final class ProxyCredentials extends Authenticator {
        private final String user;
        private final String password;

        ProxyCredentials(final String user, final String password) {
            this.user = user;
            this.password = password;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            return getRequestorType() == RequestorType.PROXY
                    ? new PasswordAuthentication(user, password.toCharArray())
                    : null;
        }
    }

    private static boolean isKeyPair(final PropertyContext context) {
        return context.getProperty(AUTHENTICATION_METHOD).asAllowableValue(AuthenticationMethod.class)
                == AuthenticationMethod.KEY_PAIR;
    }

    private static URI accountUrl(final PropertyContext context, final String account) {
        final String configuredUrl =
                context.getProperty(ACCOUNT_URL).evaluateAttributeExpressions().getValue();
        return URI.create(
                configuredUrl != null
                        ? configuredUrl
                        : "https://" + account.toLowerCase(Locale.ROOT) + ".snowflakecomputing.com");
    }

    /** What the driver connects with: the user, the key or password, and the bounds on its waiting and retrying. */
    private static Properties driverProperties(
            final PropertyContext context, final String user, final PrivateKey privateKey) {
        final Properties driverProperties = new Properties();
        driverProperties.put("user", user);
        if (privateKey != null) {
            driverProperties.put("authenticator", "SNOWFLAKE_JWT");
            driverProperties.put("privateKey", privateKey);
        } else {
            driverProperties.put("password", context.getProperty(PASSWORD).getValue());
        }
        final long loginTimeoutMillis = context.getProperty(LOGIN_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS);
        driverProperties.put(
                "loginTimeout", String.valueOf(Math.max(1, TimeUnit.MILLISECONDS.toSeconds(loginTimeoutMillis))));
        driverProperties.put(
                "networkTimeout",
                String.valueOf(context.getProperty(NETWORK_TIMEOUT).asTimePeriod(TimeUnit.MILLISECONDS)));
        driverProperties.put(
                "maxHttpRetries", context.getProperty(MAX_HTTP_RETRIES).getValue());
        final ProxyConfiguration proxy = ProxyConfiguration.getConfiguration(context);
        if (proxy.getProxyType() == Proxy.Type.HTTP) {
            driverProperties.put("useProxy", "true");
            driverProperties.put("proxyHost", proxy.getProxyServerHost());
            driverProperties.put("proxyPort", String.valueOf(proxy.getProxyServerPort()));
            if (proxy.hasCredential()) {
                driverProperties.put("proxyUser", proxy.getProxyUserName());
                driverProperties.put("proxyPassword", proxy.getProxyUserPassword());
            }
        }
        return driverProperties;
    }

    /**
     * Logs in once with the configured settings, outside any pool, and reports each thing Snowflake must accept:
     * the key, the login, the role and the warehouse. A step that cannot run because an earlier one failed is
     * reported as skipped, with that reason.
     */
    @Override
    public List<ConfigVerificationResult> verify(
            final ConfigurationContext context,
            final ComponentLog verificationLogger,
            final Map<String, String> variables) {
        final List<ConfigVerificationResult> results = new ArrayList<>();
        final String verifiedAccount = context.getProperty(ACCOUNT_IDENTIFIER)
                .evaluateAttributeExpressions()
                .getValue();
        final String user =
                context.getProperty(USER).evaluateAttributeExpressions().getValue();
        final String role =
                context.getProperty(ROLE).evaluateAttributeExpressions().getValue();
        final String warehouse =
                context.getProperty(WAREHOUSE).evaluateAttributeExpressions().getValue();
        PrivateKey privateKey = null;
        if (isKeyPair(context)) {
            try {
                privateKey = readPrivateKey(context);
                results.add(step(
                        STEP_KEY,
                        Outcome.SUCCESSFUL,
                        "The key reads as an RSA private key whose public half has"
                                + " the fingerprint " + KeyPairJwt.fingerprint(privateKey) + "; DESC USER " + user
                                + " shows the registered one as RSA_PUBLIC_KEY_FP"));
            } catch (final InitializationException e) {
                results.add(step(STEP_KEY, Outcome.FAILED, "The private key cannot be used: " + e.getMessage()));
                return skipRest(results, "the private key cannot be read", STEP_LOGIN, STEP_ROLE, STEP_WAREHOUSE);
            }
        }
        final URI url = accountUrl(context, verifiedAccount);
        final DriverDataSource once = new DriverDataSource(
                new SnowflakeDriver(),
                jdbcUrl(context, verifiedAccount, url),
                driverProperties(context, user, privateKey));
        try (Connection connection = once.getConnection()) {
            results.add(step(STEP_LOGIN, Outcome.SUCCESSFUL, "Snowflake at " + url + " accepted user " + user));
            try (Statement statement = connection.createStatement();
                    ResultSet session = statement.executeQuery("SELECT CURRENT_ROLE(), CURRENT_WAREHOUSE()")) {
                session.next();
                results.add(roleStep(role, session.getString(1)));
                results.add(warehouseStep(warehouse, session.getString(2), session.getString(1)));
            }
        } catch (final SQLException e) {
            verificationLogger.error("Verification of the Snowflake connection failed", e);
            if (results.stream()
                    .noneMatch(result -> result.getVerificationStepName().equals(STEP_LOGIN))) {
                results.add(step(STEP_LOGIN, Outcome.FAILED, loginFailure(e, user, privateKey)));
                return skipRest(results, "there is no session", STEP_ROLE, STEP_WAREHOUSE);
            }
            results.add(step(
                    STEP_ROLE,
                    Outcome.FAILED,
                    "Snowflake could not tell the session's role and warehouse: " + e.getMessage()));
        }
        return results;
    }

    private static String loginFailure(final SQLException e, final String user, final PrivateKey privateKey) {
        final String reason = "Snowflake did not accept the login (error " + e.getErrorCode() + "): " + e.getMessage();
        if (!SnowflakeErrors.isLoginRefusal(e)) {
            return reason + ". Check Account Identifier, Account URL and the network path to it";
        }
        return reason
                + (privateKey != null
                        ? ". The key's public half must be registered on the user: ALTER USER " + user
                                + " SET RSA_PUBLIC_KEY = '...' (its fingerprint is "
                                + KeyPairJwt.fingerprint(privateKey)
                                + "), and Account Identifier must be the account the user lives in"
                        : ". Check the user name and password")
                + ". Repeated refused logins can lock the user.";
    }

    private static ConfigVerificationResult roleStep(final String configured, final String current) {
        if (configured == null) {
            return step(
                    STEP_ROLE,
                    Outcome.SUCCESSFUL,
                    "No Role is set: the session uses the user's default role, "
                            + (current == null ? "which is none" : current));
        }
        if (current != null && current.equalsIgnoreCase(unquoted(configured))) {
            return step(STEP_ROLE, Outcome.SUCCESSFUL, "The session runs as role " + current);
        }
        return step(
                STEP_ROLE,
                Outcome.FAILED,
                "The session runs as role " + current + ", not " + configured
                        + ": the role does not exist or is not granted to the user (GRANT ROLE " + configured
                        + " TO USER ...)");
    }

    private static ConfigVerificationResult warehouseStep(
            final String configured, final String current, final String role) {
        if (configured == null) {
            return step(
                    STEP_WAREHOUSE,
                    Outcome.SKIPPED,
                    "No Warehouse is set: ALTER PIPE ... REFRESH and the Snowpipe"
                            + " REST API need none; COPY_HISTORY load confirmation does");
        }
        if (current != null && current.equalsIgnoreCase(unquoted(configured))) {
            return step(STEP_WAREHOUSE, Outcome.SUCCESSFUL, "The session uses warehouse " + current);
        }
        return step(
                STEP_WAREHOUSE,
                Outcome.FAILED,
                "The session has no usable warehouse " + configured + ": it does not"
                        + " exist or role " + role + " lacks USAGE on it (GRANT USAGE ON WAREHOUSE " + configured
                        + " TO ROLE "
                        + role + "). Only COPY_HISTORY load confirmation needs it");
    }

    /** Snowflake reports unquoted names upper-case, and quoted ones as written without the quotes. */
    private static String unquoted(final String name) {
        return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")
                ? name.substring(1, name.length() - 1)
                : name.toUpperCase(Locale.ROOT);
    }

    private static List<ConfigVerificationResult> skipRest(
            final List<ConfigVerificationResult> results, final String reason, final String... steps) {
        for (final String name : steps) {
            results.add(step(name, Outcome.SKIPPED, "Not checked: " + reason));
        }
        return results;
    }

    private static PrivateKey readPrivateKey(final PropertyContext context) throws InitializationException {
        final PrivateKeyService keyService =
                context.getProperty(PRIVATE_KEY_SERVICE).asControllerService(PrivateKeyService.class);
        if (keyService != null) {
            final PrivateKey key = keyService.getPrivateKey();
            if (key == null) {
                throw new InitializationException("the Private Key Service has no key");
            }
            return key;
        }
        final String passphrase = context.getProperty(PRIVATE_KEY_PASSPHRASE).getValue();
        final char[] passphraseChars = passphrase == null ? null : passphrase.toCharArray();
        try {
            final String pem = context.getProperty(PRIVATE_KEY).isSet()
                    ? context.getProperty(PRIVATE_KEY).getValue()
                    : Files.readString(Path.of(context.getProperty(PRIVATE_KEY_FILE)
                            .evaluateAttributeExpressions()
                            .getValue()));
            return PrivateKeys.read(pem, passphraseChars);
        } catch (final IOException e) {
            throw new InitializationException("could not read the private key file: " + e.getMessage());
        } catch (final IllegalArgumentException e) {
            throw new InitializationException("private key: " + e.getMessage());
        }
    }

    private static String jdbcUrl(final PropertyContext context, final String account, final URI accountUrl) {
        final StringBuilder url = new StringBuilder("jdbc:snowflake://").append(accountUrl.getHost());
        if (accountUrl.getPort() > 0) {
            url.append(':').append(accountUrl.getPort());
        }
        url.append("/?account=").append(encode(account));
        if ("http".equalsIgnoreCase(accountUrl.getScheme())) {
            url.append("&ssl=off");
        }
        final String role =
                context.getProperty(ROLE).evaluateAttributeExpressions().getValue();
        if (role != null) {
            url.append("&role=").append(encode(role));
        }
        final String warehouse =
                context.getProperty(WAREHOUSE).evaluateAttributeExpressions().getValue();
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
