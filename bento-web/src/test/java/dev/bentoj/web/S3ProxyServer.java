package dev.bentoj.web;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The S3 server of the deployed server's tests: S3Proxy (filesystem backend, real AWS
 * signatures) on 127.0.0.1 at the port and with the keys that failsafe also gives Payara
 * ({@code BENTO_S3_URL}, {@code BENTO_S3_ACCESS_KEY}, {@code BENTO_S3_SECRET_KEY}), storing into
 * a directory emptied at every start.
 *
 * <p>The S3Proxy jar-with-dependencies (copied by the build to {@code target/payara/s3proxy.jar})
 * runs in a class loader that sees only that jar and the JDK: its bundled okhttp 3 and Jackson
 * would break the MinIO client and Jackson of the test class path. bento-ejb's test fixture and
 * the agent's {@code dev.bentoj.embedded.EmbeddedS3} do the same; bento-web cannot use the latter
 * (bento-agent-se depends on bento-web).
 */
final class S3ProxyServer implements AutoCloseable {
    private final URLClassLoader loader;
    private final Object proxy;

    private S3ProxyServer(URLClassLoader loader, Object proxy) {
        this.loader = loader;
        this.proxy = proxy;
    }

    /** Starts S3Proxy at {@code endpoint} (http://127.0.0.1:PORT) over a fresh {@code directory}. */
    static S3ProxyServer start(Path jar, Path directory, String endpoint, String accessKey, String secretKey)
            throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the S3Proxy jar " + jar + " is missing: run through `mvn verify`,"
                    + " whose pre-integration-test phase copies it");
        }
        deleteRecursively(directory);
        Files.createDirectories(directory);
        URL logback = S3ProxyServer.class.getResource("s3proxy-logback.xml");
        URLClassLoader loader = new URLClassLoader("s3proxy", new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader()) {
            @Override
            public URL findResource(String name) {
                return name.equals("logback.xml") && logback != null ? logback : super.findResource(name);
            }
        };
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // Jetty's threads inherit it
        try {
            Class<?> s3Proxy = loader.loadClass("org.gaul.s3proxy.S3Proxy");
            Class<?> auth = loader.loadClass("org.gaul.s3proxy.auth.AuthenticationType");
            Object blobStore = loader.loadClass("org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore")
                    .getConstructor(String.class).newInstance(directory.toAbsolutePath().toString());
            Object builder = s3Proxy.getMethod("builder").invoke(null);
            Class<?> type = builder.getClass();
            type.getMethod("blobStore", loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore"))
                    .invoke(builder, blobStore);
            type.getMethod("endpoint", URI.class).invoke(builder, URI.create(endpoint));
            type.getMethod("awsAuthentication", auth, String.class, String.class)
                    .invoke(builder, auth.getField("AWS_V2_OR_V4").get(null), accessKey, secretKey);
            type.getMethod("stopTimeout", long.class).invoke(builder, 1000L);
            Object proxy = type.getMethod("build").invoke(builder);
            try {
                s3Proxy.getMethod("start").invoke(proxy);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new IllegalStateException("S3Proxy cannot listen at " + endpoint + " (port taken? set"
                        + " -Dbento.it.s3.port=…): " + e.getCause(), e.getCause());
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (!"STARTED".equals(s3Proxy.getMethod("getState").invoke(proxy))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start at " + endpoint + " within 30 s");
                }
                Thread.sleep(5);
            }
            return new S3ProxyServer(loader, proxy);
        } catch (Exception | Error e) {
            loader.close();
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.getClass().getMethod("stop").invoke(proxy);
        } catch (java.lang.reflect.InvocationTargetException e) {
            // Jetty reports a graceful stop that timed out (the server under test still holds
            // idle keep-alive connections) after it has stopped anyway: nothing is left running.
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
        } finally {
            loader.close();
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
