package io.snowstream.nifi.processors;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.ProcessSessionFactory;
import org.apache.nifi.processor.exception.MissingFlowFileException;
import org.apache.nifi.util.MockProcessSession;
import org.apache.nifi.util.SharedSessionState;
import org.apache.nifi.util.TestRunner;

/**
 * Sessions over a runner's queue in which the content of the FlowFile with one id (nifi-mock numbers enqueued
 * FlowFiles from 0) cannot be read (its
 * stream fails with an IOException, as a damaged content repository would make it): nifi-mock's own sessions always
 * read what was enqueued. Or, made with {@link #lostContent}, sessions in which reading it throws what NiFi throws
 * when its content is gone altogether.
 */
final class UnreadableContentSessions implements ProcessSessionFactory {

    private final TestRunner runner;
    private final int unreadableId;
    private final boolean contentLost;
    private final List<MockProcessSession> created = new ArrayList<>();
    private boolean penalizingRollback;

    UnreadableContentSessions(final TestRunner runner, final int unreadableId) {
        this(runner, unreadableId, false);
    }

    private UnreadableContentSessions(final TestRunner runner, final int unreadableId, final boolean contentLost) {
        this.runner = runner;
        this.unreadableId = unreadableId;
        this.contentLost = contentLost;
    }

    static UnreadableContentSessions lostContent(final TestRunner runner, final int lostId) {
        return new UnreadableContentSessions(runner, lostId, true);
    }

    @Override
    public ProcessSession createSession() {
        final MockProcessSession session = new MockProcessSession(sharedState(runner), runner.getProcessor()) {
            @Override
            public void rollback(final boolean penalize) {
                penalizingRollback |= penalize;
                super.rollback(penalize);
            }

            @Override
            public InputStream read(final FlowFile flowFile) {
                if (contentLost && flowFile.getId() == unreadableId) {
                    throw new MissingFlowFileException("Unable to find content for FlowFile", null);
                }
                final InputStream content = super.read(flowFile);
                return flowFile.getId() != unreadableId
                        ? content
                        : new InputStream() {
                            @Override
                            public int read() throws IOException {
                                throw new IOException("content repository: checksum mismatch");
                            }

                            @Override
                            public void close() throws IOException {
                                content.close();
                            }
                        };
            }
        };
        created.add(session);
        return session;
    }

    /** The first session created: the one a trigger works in. */
    MockProcessSession triggerSession() {
        return created.getFirst();
    }

    /** Whether a session was rolled back with its FlowFiles penalized (nifi-mock does not mark them). */
    boolean rolledBackPenalized() {
        return penalizingRollback;
    }

    private static SharedSessionState sharedState(final TestRunner runner) {
        try {
            final Field field = runner.getClass().getDeclaredField("sharedState");
            field.setAccessible(true);
            return (SharedSessionState) field.get(runner);
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach nifi-mock's shared session state", e);
        }
    }
}
