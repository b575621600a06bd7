package io.snowstream.nifi.snowflake.pipe;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The S3 location a pipe's external stage points at ({@code s3://bucket/prefix/}). Snowpipe names files relative
 * to it, in REFRESH prefixes, insertFiles bodies and load history alike.
 */
public final class StageLocation {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

    private final String bucket;
    private final String prefix;

    private StageLocation(final String bucket, final String prefix) {
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /**
     * Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix[/]}; a prefix is a folder,
     * as in Snowflake's stage URL, so a trailing slash is implied.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static StageLocation parse(final String url) {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("s3://")) {
            throw new IllegalArgumentException("the stage location must start with s3://, as in s3://bucket/prefix/");
        }
        final String rest = url.substring("s3://".length());
        final int slash = rest.indexOf('/');
        final String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("'" + bucket + "' is not an S3 bucket name");
        }
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (prefix.startsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("the stage location's path may not contain empty segments");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + '/';
        }
        return new StageLocation(bucket, prefix);
    }

    /** The path of an object relative to this location, or empty when the object lies outside it. */
    public Optional<String> relativePath(final String objectBucket, final String objectKey) {
        if (!bucket.equals(objectBucket)
                || objectKey == null
                || !objectKey.startsWith(prefix)
                || objectKey.length() == prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(objectKey.substring(prefix.length()));
    }

    /**
     * The longest common leading part of relative paths, cut back to a folder boundary: the narrowest REFRESH
     * PREFIX that still covers every one of them. Empty means the whole stage.
     */
    public static String commonFolder(final List<String> relativePaths) {
        if (relativePaths.isEmpty()) {
            return "";
        }
        String common = relativePaths.getFirst();
        for (final String path : relativePaths) {
            int length = 0;
            final int max = Math.min(common.length(), path.length());
            while (length < max && common.charAt(length) == path.charAt(length)) {
                length++;
            }
            common = common.substring(0, length);
        }
        if (relativePaths.size() == 1) {
            return common;
        }
        return common.substring(0, common.lastIndexOf('/') + 1);
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public String toString() {
        return "s3://" + bucket + '/' + prefix;
    }
}
