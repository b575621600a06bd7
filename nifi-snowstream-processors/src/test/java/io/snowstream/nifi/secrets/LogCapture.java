package io.snowstream.nifi.secrets;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the libraries under test write while it is open: SLF4J (through {@link CapturingSlf4jProvider}),
 * java.util.logging (the Snowflake JDBC driver's default) at every level, and standard output and error.
 */
public final class LogCapture implements AutoCloseable {

    private static final List<String> RECORDS = new ArrayList<>();
    private static volatile boolean open;

    /** JUL loggers whose level is lowered while capturing, so their debug output is seen too. */
    private static final List<String> VERBOSE_JUL_LOGGERS =
            List.of("", "net.snowflake", "software.amazon", "com.zaxxer");

    private final List<Level> previousLevels = new ArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(final LogRecord logRecord) {
            record(
                    "jul " + logRecord.getLevel() + " " + logRecord.getLoggerName() + ": "
                            + formatter.formatMessage(logRecord),
                    logRecord.getThrown());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final PrintStream previousOut = System.out;
    private final PrintStream previousErr = System.err;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private LogCapture() {}

    public static LogCapture open() {
        final LogCapture capture = new LogCapture();
        synchronized (RECORDS) {
            RECORDS.clear();
        }
        handlerLevels(capture);
        System.setOut(new PrintStream(new Tee(capture.previousOut, capture.console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(capture.previousErr, capture.console), true, StandardCharsets.UTF_8));
        open = true;
        return capture;
    }

    private static void handlerLevels(final LogCapture capture) {
        Logger.getLogger("").addHandler(capture.handler);
        capture.handler.setLevel(Level.ALL);
        for (final String name : VERBOSE_JUL_LOGGERS) {
            final Logger logger = Logger.getLogger(name);
            capture.previousLevels.add(logger.getLevel());
            logger.setLevel(Level.ALL);
        }
    }

    static boolean isOpen() {
        return open;
    }

    static void record(final String line, final Throwable throwable) {
        if (!open) {
            return;
        }
        synchronized (RECORDS) {
            RECORDS.add(throwable == null ? line : line + "\n" + stackTrace(throwable));
        }
    }

    /** Every line captured so far, with full stack traces (causes and suppressed exceptions included). */
    public List<String> lines() {
        final List<String> lines;
        synchronized (RECORDS) {
            lines = new ArrayList<>(RECORDS);
        }
        lines.add("console: " + console.toString(StandardCharsets.UTF_8));
        return lines;
    }

    public static String stackTrace(final Throwable throwable) {
        final StringWriter text = new StringWriter();
        throwable.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Override
    public void close() {
        open = false;
        System.setOut(previousOut);
        System.setErr(previousErr);
        Logger.getLogger("").removeHandler(handler);
        for (int i = 0; i < VERBOSE_JUL_LOGGERS.size(); i++) {
            Logger.getLogger(VERBOSE_JUL_LOGGERS.get(i)).setLevel(previousLevels.get(i));
        }
    }

    /** Writes to the original stream and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream copy;

        Tee(final PrintStream original, final ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public synchronized void write(final int b) {
            copy.write(b);
            original.write(b);
        }

        @Override
        public synchronized void write(final byte[] bytes, final int offset, final int length) {
            copy.write(bytes, offset, length);
            original.write(bytes, offset, length);
        }
    }
}
