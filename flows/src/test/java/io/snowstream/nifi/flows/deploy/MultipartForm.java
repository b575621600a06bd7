package io.snowstream.nifi.flows.deploy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a multipart/form-data body, by field name: just enough to assert what a script uploaded. */
final class MultipartForm {

    record Part(String fileName, String contentType, String content) {}

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("filename=\"([^\"]*)\"");

    private MultipartForm() {}

    static Map<String, Part> parse(final String contentTypeHeader, final byte[] body) {
        final Matcher boundary = BOUNDARY.matcher(contentTypeHeader);
        if (!contentTypeHeader.startsWith("multipart/form-data") || !boundary.find()) {
            throw new AssertionError("not a multipart/form-data request: " + contentTypeHeader);
        }
        final String text = new String(body, StandardCharsets.UTF_8);
        final Map<String, Part> parts = new LinkedHashMap<>();
        for (final String chunk : text.split("--" + Pattern.quote(boundary.group(1)))) {
            final int headerEnd = chunk.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                continue;
            }
            final String headers = chunk.substring(0, headerEnd);
            final String content = chunk.substring(headerEnd + 4, chunk.length() - 2);
            final Matcher name = NAME.matcher(headers);
            if (!name.find()) {
                throw new AssertionError("a form part without a name: " + headers);
            }
            final Matcher fileName = FILE_NAME.matcher(headers);
            parts.put(
                    name.group(1), new Part(fileName.find() ? fileName.group(1) : null, contentType(headers), content));
        }
        return parts;
    }

    private static String contentType(final String headers) {
        for (final String line : headers.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                return line.substring(13).trim();
            }
        }
        return null;
    }
}
