package io.snowstream.nifi.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** How an object body is encoded; Snowflake detects gzip from the file extension and reads it transparently. */
public enum Compression {
    GZIP(".csv.gz", "application/gzip"),
    NONE(".csv", "text/csv");

    private final String extension;
    private final String contentType;

    Compression(final String extension, final String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /**
     * Wraps the object body; the caller must {@link Encoder#finish()} it to write the trailer. Gzip runs at its
     * fastest level: on CSV it still shrinks the object several times over, at a fraction of the default's cost.
     */
    public Encoder wrap(final OutputStream body) throws IOException {
        if (this == NONE) {
            return new Encoder(body) {
                @Override
                public void finish() throws IOException {
                    flush();
                }
            };
        }
        final GZIPOutputStream gzip = new FastGzipOutputStream(body);
        return new Encoder(gzip) {
            @Override
            public void finish() throws IOException {
                gzip.finish();
            }
        };
    }

    /** An encoding stream that is finished rather than closed, so the body underneath stays open for completion. */
    public abstract static class Encoder extends java.io.FilterOutputStream {
        protected Encoder(final OutputStream out) {
            super(out);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException {
            out.write(b, off, len);
        }

        public abstract void finish() throws IOException;
    }

    private static final class FastGzipOutputStream extends GZIPOutputStream {
        FastGzipOutputStream(final OutputStream body) throws IOException {
            super(body, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
