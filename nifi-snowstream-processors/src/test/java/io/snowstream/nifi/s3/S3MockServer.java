package io.snowstream.nifi.s3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs Adobe S3Mock, a real S3 REST implementation, as a child JVM for the test class that registers this extension
 * (as a static field with {@code @RegisterExtension}): started before the first test, stopped after the last. The
 * child keeps S3Mock's Spring Boot stack off the test classpath. S3Mock does not check signatures, so any
 * credentials are accepted.
 */
public final class S3MockServer implements BeforeAllCallback, AfterAllCallback {

    public static final String ACCESS_KEY_ID = "test-access-key";
    public static final String SECRET_ACCESS_KEY = "test-secret-key";

    private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on ports? .*?(\\d+) \\(http\\)");
    private static final Pattern HTTPS_PORT = Pattern.compile("Tomcat started on ports? .*?(\\d+) \\(https\\)");
    /**
     * Only a bound on a start that hangs: S3Mock (Spring Boot) took 50 s merely to initialize on a 2-core machine at
     * load 22, so a tighter bound turned a loaded machine's build red.
     */
    private static final long START_TIMEOUT_SECONDS = 300;

    private Process process;
    private Path storeRoot;
    private int port;
    private volatile int httpsPort;
    private S3Client client;
    private final Deque<String> recentOutput = new ArrayDeque<>();

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        final Path jar = Paths.get(System.getProperty("s3mock.jar", "target/s3mock/s3mock-exec.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock jar not found at " + jar.toAbsolutePath()
                    + ": run the build through Maven, which copies it (maven-dependency-plugin)");
        }
        storeRoot = Files.createTempDirectory("s3mock");
        final Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(
                        javaBin.toString(),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-jar",
                        jar.toString(),
                        "--server.port=0",
                        "--com.adobe.testing.s3mock.httpPort=0",
                        "--com.adobe.testing.s3mock.store.root=" + storeRoot)
                .redirectErrorStream(true)
                .start();
        final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
        final Thread drain = new Thread(() -> drain(httpPort), "s3mock-output");
        drain.setDaemon(true);
        drain.start();
        try {
            port = httpPort.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "S3Mock did not start; its last output:\n" + String.join("\n", recentOutput), e);
        }
        client = S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .build();
    }

    private void drain(final CompletableFuture<Integer> httpPort) {
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                synchronized (recentOutput) {
                    recentOutput.addLast(line);
                    if (recentOutput.size() > 40) {
                        recentOutput.removeFirst();
                    }
                }
                final Matcher https = HTTPS_PORT.matcher(line);
                if (https.find()) {
                    httpsPort = Integer.parseInt(https.group(1));
                }
                final Matcher matcher = HTTP_PORT.matcher(line);
                if (!httpPort.isDone() && matcher.find()) {
                    httpPort.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (final IOException e) {
            httpPort.completeExceptionally(e);
        }
        httpPort.completeExceptionally(new IllegalStateException("S3Mock closed its output before reporting its port"));
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
        }
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (storeRoot != null && Files.exists(storeRoot)) {
            try (Stream<Path> files = Files.walk(storeRoot)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The same store over https, with S3Mock's own self-signed certificate for localhost. */
    public URI httpsEndpoint() {
        return URI.create("https://localhost:" + httpsPort);
    }

    /** A client that talks to S3Mock directly, for arranging and checking. */
    public S3Client client() {
        return client;
    }

    public void createBucket(final String bucket) {
        client.createBucket(request -> request.bucket(bucket));
    }

    public List<S3Object> objects(final String bucket) {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket)).contents().stream()
                .toList();
    }

    public byte[] content(final String bucket, final String key) {
        return client.getObject(request -> request.bucket(bucket).key(key), ResponseTransformer.toBytes())
                .asByteArray();
    }

    /** Multipart uploads started and neither completed nor aborted. */
    public List<MultipartUpload> openMultipartUploads(final String bucket) {
        return client.listMultipartUploads(request -> request.bucket(bucket)).uploads();
    }
}
