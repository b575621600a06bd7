package io.snowstream.nifi.secrets;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of the test JVM (registered in META-INF/services): silent, except while a {@link LogCapture} is
 * open, when every level of every logger (the AWS SDK's, the Snowflake driver's, nifi-mock's) is enabled and recorded
 * there. One exception: Apache HttpClient's wire dump, {@value #WIRE_DUMP}, stays at INFO, as in NiFi's logback.xml.
 * It is a byte-for-byte copy of every request body sent through HttpClient, by the AWS SDK and the Snowflake driver
 * alike, so a password login's body is in it by construction; the service's documentation warns never to set it to
 * DEBUG outside a test bench.
 */
public final class CapturingSlf4jProvider implements SLF4JServiceProvider {

    static final String WIRE_DUMP = "org.apache.http.wire";

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory loggerFactory = name -> loggers.computeIfAbsent(name, CapturingLogger::new);
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdcAdapter = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}

    private static final class CapturingLogger extends AbstractLogger {

        CapturingLogger(final String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                final Level level,
                final Marker marker,
                final String messagePattern,
                final Object[] arguments,
                final Throwable throwable) {
            LogCapture.record(
                    "slf4j " + level + " " + name + ": " + MessageFormatter.basicArrayFormat(messagePattern, arguments),
                    throwable);
        }

        @Override
        public boolean isTraceEnabled() {
            return LogCapture.isOpen() && !WIRE_DUMP.equals(name);
        }

        @Override
        public boolean isTraceEnabled(final Marker marker) {
            return LogCapture.isOpen() && !WIRE_DUMP.equals(name);
        }

        @Override
        public boolean isDebugEnabled() {
            return LogCapture.isOpen() && !WIRE_DUMP.equals(name);
        }

        @Override
        public boolean isDebugEnabled(final Marker marker) {
            return LogCapture.isOpen() && !WIRE_DUMP.equals(name);
        }

        @Override
        public boolean isInfoEnabled() {
            return LogCapture.isOpen();
        }

        @Override
        public boolean isInfoEnabled(final Marker marker) {
            return LogCapture.isOpen();
        }

        @Override
        public boolean isWarnEnabled() {
            return LogCapture.isOpen();
        }

        @Override
        public boolean isWarnEnabled(final Marker marker) {
            return LogCapture.isOpen();
        }

        @Override
        public boolean isErrorEnabled() {
            return LogCapture.isOpen();
        }

        @Override
        public boolean isErrorEnabled(final Marker marker) {
            return LogCapture.isOpen();
        }
    }
}
