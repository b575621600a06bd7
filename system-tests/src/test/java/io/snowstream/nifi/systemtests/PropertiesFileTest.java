package io.snowstream.nifi.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Editing nifi.properties as an operator would: lines replaced in place, comments kept, new keys appended. */
class PropertiesFileTest {

    @TempDir
    Path directory;

    @Test
    void replacesBlanksAndAppendsKeepingEverythingElse() throws IOException {
        final Path file = directory.resolve("nifi.properties");
        Files.writeString(file, """
                # web properties #
                nifi.web.https.host=localhost
                nifi.web.https.port=8443
                #nifi.web.http.port=8080
                nifi.security.keystore=./conf/keystore.p12
                """);

        final Map<String, String> values = new LinkedHashMap<>();
        values.put("nifi.web.https.port", "");
        values.put("nifi.web.http.port", "18080");
        values.put("nifi.security.keystore", "");
        PropertiesFile.read(file).set(values).write();

        assertThat(Files.readString(file)).isEqualTo("""
                # web properties #
                nifi.web.https.host=localhost
                nifi.web.https.port=
                #nifi.web.http.port=8080
                nifi.security.keystore=
                nifi.web.http.port=18080
                """);
        assertThat(PropertiesFile.read(file).get("nifi.web.http.port")).contains("18080");
        assertThat(PropertiesFile.read(file).get("nifi.web.https.port")).contains("");
        assertThat(PropertiesFile.read(file).get("nifi.web.proxy.host")).isEmpty();
    }
}
