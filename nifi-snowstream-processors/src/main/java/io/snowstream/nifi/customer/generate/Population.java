package io.snowstream.nifi.customer.generate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The customers an update or delete may pick: the most recently issued ones, up to a capacity, each with its
 * {@link CustomerVersion}. A ring buffer indexed by customer id, since ids are issued consecutively. Older customers
 * leave the window and are never changed again (their last record stays valid downstream).
 */
final class Population {

    /** Random probes before falling back to a scan when most tracked customers are deleted. */
    private static final int PROBES = 8;

    private final int[] versions;
    private final int capacity;
    /** The first id that may be tracked at all, below which customers are left alone for good. */
    private final long floorId;

    private long nextId;
    private int liveCount;

    Population(final int capacity, final long floorId, final long nextId) {
        if (capacity < 1) {
            throw new IllegalArgumentException("At least one customer must be tracked");
        }
        this.versions = new int[capacity];
        this.capacity = capacity;
        this.floorId = floorId;
        this.nextId = nextId;
    }

    long nextId() {
        return nextId;
    }

    long firstTrackedId() {
        return Math.max(floorId, nextId - capacity);
    }

    int trackedCount() {
        return (int) (nextId - firstTrackedId());
    }

    int liveCount() {
        return liveCount;
    }

    /** Issues a new customer id and tracks the customer, evicting the oldest when full. */
    long issue() {
        if (nextId == Long.MAX_VALUE) {
            throw new IllegalStateException("Customer ids exhausted");
        }
        final long id = nextId;
        final int slot = slot(id);
        if (trackedCount() == capacity && !CustomerVersion.isDeleted(versions[slot])) {
            liveCount--;
        }
        versions[slot] = CustomerVersion.NEW;
        nextId++;
        liveCount++;
        return id;
    }

    int version(final long id) {
        return versions[slot(id)];
    }

    void update(final long id, final int version) {
        versions[slot(id)] = version;
    }

    void delete(final long id) {
        versions[slot(id)] = CustomerVersion.deleted(versions[slot(id)]);
        liveCount--;
    }

    /** A tracked customer that is not deleted, chosen with the event's random draws, or -1 when there is none. */
    long pickLive(final EventRandom random) {
        if (liveCount == 0) {
            return -1;
        }
        final long first = firstTrackedId();
        final int tracked = trackedCount();
        for (int probe = 0; probe < PROBES; probe++) {
            final long id = first + random.nextInt(tracked);
            if (!CustomerVersion.isDeleted(version(id))) {
                return id;
            }
        }
        final int start = random.nextInt(tracked);
        for (int i = 0; i < tracked; i++) {
            final long id = first + (start + i) % tracked;
            if (!CustomerVersion.isDeleted(version(id))) {
                return id;
            }
        }
        throw new IllegalStateException("Live customer count out of step with the tracked versions");
    }

    /** The tracked versions, oldest first, as 4-byte big-endian ints compressed with Deflate, in Base64. */
    String encodeVersions() {
        final int tracked = trackedCount();
        final ByteBuffer raw = ByteBuffer.allocate(tracked * Integer.BYTES);
        for (long id = firstTrackedId(); id < nextId; id++) {
            raw.putInt(version(id));
        }
        final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw.array());
            deflater.finish();
            final ByteArrayOutputStream compressed = new ByteArrayOutputStream(raw.capacity() / 4 + 64);
            final byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                compressed.write(chunk, 0, deflater.deflate(chunk));
            }
            return Base64.getEncoder().encodeToString(compressed.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /**
     * Restores a population from {@link #encodeVersions()}: the {@code trackedCount} customers just below
     * {@code nextId}. With a smaller capacity than before, only the most recent customers stay tracked.
     */
    static Population decode(final int capacity, final long nextId, final int trackedCount, final String encoded) {
        if (trackedCount < 0 || trackedCount > nextId) {
            throw new IllegalArgumentException("Cannot track " + trackedCount + " customers below id " + nextId);
        }
        final Population population = new Population(capacity, nextId - Math.min(capacity, trackedCount), nextId);
        final byte[] raw = inflate(Base64.getDecoder().decode(encoded), trackedCount * Integer.BYTES);
        final ByteBuffer versions = ByteBuffer.wrap(raw);
        for (long id = nextId - trackedCount; id < nextId; id++) {
            final int version = versions.getInt();
            if (id >= population.firstTrackedId()) {
                population.update(id, version);
                if (!CustomerVersion.isDeleted(version)) {
                    population.liveCount++;
                }
            }
        }
        return population;
    }

    private static byte[] inflate(final byte[] compressed, final int expectedLength) {
        final Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            final byte[] raw = new byte[expectedLength];
            int length = 0;
            while (length < expectedLength && !inflater.finished()) {
                final int inflated = inflater.inflate(raw, length, expectedLength - length);
                if (inflated == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                length += inflated;
            }
            if (length != expectedLength) {
                throw new IllegalArgumentException(
                        "Tracked customer versions hold " + length + " bytes, expected " + expectedLength);
            }
            return raw;
        } catch (final DataFormatException e) {
            throw new IllegalArgumentException("Tracked customer versions are not valid Deflate data", e);
        } finally {
            inflater.end();
        }
    }

    private int slot(final long id) {
        return (int) Long.remainderUnsigned(id, capacity);
    }
}
