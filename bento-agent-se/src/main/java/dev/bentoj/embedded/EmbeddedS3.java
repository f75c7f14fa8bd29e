package dev.bentoj.embedded;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * An S3 server for the embedded cluster: S3Proxy with its filesystem backend, storing each bucket
 * as a folder under a given directory, on 127.0.0.1. It checks real AWS signatures, so the
 * MinIO client talks to it exactly as it would to MinIO or AWS S3.
 *
 * <p>It runs in this JVM (starting takes ~0.1 s against ~1 s for a child JVM, and it dies with
 * us, leaving no orphan), but in a class loader of its own: the S3Proxy fat jar bundles old
 * okhttp, Jackson 2 and 3, slf4j 2 and logback, which break the MinIO client and Flyway when
 * they share one class path. Hence reflection instead of S3Proxy's types in this class.
 *
 * <p>The jar is found, in order: at the path in system property {@value #JAR_PROPERTY};
 * at {@code embedded/s3proxy.jar} beside the agent jar (where the build copies it); on the class
 * path (tests).
 */
public final class EmbeddedS3 implements AutoCloseable {

    /** System property naming the S3Proxy jar-with-dependencies to load. */
    public static final String JAR_PROPERTY = "bento.s3proxy.jar";

    private static final String S3PROXY_CLASS = "org.gaul.s3proxy.S3Proxy";
    private static final String LOGBACK_CONFIG = "s3proxy-logback.xml";
    private static final long START_TIMEOUT_MS = 30_000;
    private static final long STOP_TIMEOUT_MS = 2_000;
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URLClassLoader loader;
    private final Object proxy;
    private final int port;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(URLClassLoader loader, Object proxy, int port, String accessKey,
            String secretKey) {
        this.loader = loader;
        this.proxy = proxy;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts on a free port with freshly generated keys. */
    public static EmbeddedS3 start(Path directory) throws IOException {
        return start(directory, 0);
    }

    /** Starts on {@code port} (0 for a free one) with freshly generated keys. */
    public static EmbeddedS3 start(Path directory, int port) throws IOException {
        return start(directory, port, randomKey(20, UPPER_ALNUM), randomKey(40, SECRET_CHARS));
    }

    /**
     * Starts S3Proxy on 127.0.0.1:{@code port} (0 for a free one), storing buckets as folders of
     * {@code directory} (created if missing), accepting only {@code accessKey}/{@code secretKey}.
     *
     * @throws IOException if the jar cannot be found or the server does not start
     */
    public static EmbeddedS3 start(Path directory, int port, String accessKey, String secretKey)
            throws IOException {
        Files.createDirectories(directory);
        URLClassLoader loader = new IsolatedLoader(locateJar().toUri().toURL(),
                EmbeddedS3.class.getResource(LOGBACK_CONFIG));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jetty's threads inherit the context class loader of the thread that starts them.
        thread.setContextClassLoader(loader);
        try {
            Class<?> s3ProxyClass = loader.loadClass(S3PROXY_CLASS);
            Class<?> blobStoreType = loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore");
            Class<?> authType = loader.loadClass("org.gaul.s3proxy.auth.AuthenticationType");
            Object blobStore = loader.loadClass("org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore")
                    .getConstructor(String.class)
                    .newInstance(directory.toAbsolutePath().toString());

            Object builder = s3ProxyClass.getMethod("builder").invoke(null);
            Class<?> builderType = builder.getClass();
            builderType.getMethod("blobStore", blobStoreType).invoke(builder, blobStore);
            builderType.getMethod("endpoint", URI.class)
                    .invoke(builder, URI.create("http://127.0.0.1:" + port));
            builderType.getMethod("awsAuthentication", authType, String.class, String.class)
                    .invoke(builder, authType.getField("AWS_V2_OR_V4").get(null), accessKey, secretKey);
            builderType.getMethod("stopTimeout", long.class).invoke(builder, STOP_TIMEOUT_MS);
            Object proxy = builderType.getMethod("build").invoke(builder);

            s3ProxyClass.getMethod("start").invoke(proxy);
            Method state = s3ProxyClass.getMethod("getState");
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (!"STARTED".equals(state.invoke(proxy))) {
                if (System.currentTimeMillis() > deadline) {
                    stopQuietly(s3ProxyClass, proxy);
                    throw new IOException("embedded S3 (S3Proxy) did not start within "
                            + START_TIMEOUT_MS / 1000 + " s");
                }
                Thread.sleep(5);
            }
            int boundPort = (int) s3ProxyClass.getMethod("getPort").invoke(proxy);
            return new EmbeddedS3(loader, proxy, boundPort, accessKey, secretKey);
        } catch (InvocationTargetException e) {
            loader.close();
            Throwable cause = e.getCause();
            throw new IOException("embedded S3 (S3Proxy) failed to start on 127.0.0.1:" + port
                    + " with data in " + directory + ": " + cause, cause);
        } catch (ReflectiveOperationException e) {
            loader.close();
            throw new IOException("the S3Proxy jar does not have the API this code expects"
                    + " (org.gaul:s3proxy 4.1.0): " + e, e);
        } catch (InterruptedException e) {
            loader.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the embedded S3", e);
        } catch (IOException | RuntimeException e) {
            loader.close();
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The endpoint, e.g. {@code http://127.0.0.1:39017}, for {@code BENTO_S3_URL}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The only access key this server accepts, for {@code BENTO_S3_ACCESS_KEY}. */
    public String accessKey() {
        return accessKey;
    }

    /** The secret key, for {@code BENTO_S3_SECRET_KEY}. */
    public String secretKey() {
        return secretKey;
    }

    /** Stops the server; the stored objects stay in the directory. */
    @Override
    public void close() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            stopQuietly(proxy.getClass(), proxy);
        } finally {
            thread.setContextClassLoader(previous);
            try {
                loader.close();
            } catch (IOException e) {
                // Only the jar file handle is left; nothing to do about it.
            }
        }
    }

    private static void stopQuietly(Class<?> s3ProxyClass, Object proxy) {
        try {
            s3ProxyClass.getMethod("stop").invoke(proxy);
        } catch (ReflectiveOperationException e) {
            // Stopping is best effort: the process is going away or the start already failed.
        }
    }

    /** The S3Proxy jar-with-dependencies to load. */
    static Path locateJar() throws IOException {
        String property = System.getProperty(JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            Path jar = Path.of(property);
            if (!Files.isRegularFile(jar)) {
                throw new IOException(JAR_PROPERTY + " names " + jar + ", which is not a file");
            }
            return jar;
        }
        try {
            URL here = EmbeddedS3.class.getProtectionDomain().getCodeSource().getLocation();
            Path beside = Path.of(here.toURI()).getParent().resolve("embedded/s3proxy.jar");
            if (Files.isRegularFile(beside)) {
                return beside;
            }
            URL onClassPath = ClassLoader.getSystemResource(S3PROXY_CLASS.replace('.', '/') + ".class");
            if (onClassPath != null && onClassPath.getProtocol().equals("jar")) {
                String file = onClassPath.getPath();
                return Path.of(new URI(file.substring(0, file.indexOf("!/"))));
            }
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot locate the S3Proxy jar: " + e, e);
        }
        throw new IOException("the S3Proxy jar is missing: expected embedded/s3proxy.jar beside"
                + " the agent jar (rebuild with mvn package) or a path in -D" + JAR_PROPERTY);
    }

    private static String randomKey(int length, String alphabet) {
        StringBuilder key = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            key.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return key.toString();
    }

    /**
     * Sees only the S3Proxy jar and the JDK, and answers S3Proxy's logback with our quiet
     * configuration instead of the one in the jar (INFO to stdout).
     */
    private static final class IsolatedLoader extends URLClassLoader {
        private final URL logbackConfig;

        IsolatedLoader(URL jar, URL logbackConfig) {
            super("s3proxy", new URL[] {jar}, ClassLoader.getPlatformClassLoader());
            this.logbackConfig = logbackConfig;
        }

        @Override
        public URL findResource(String name) {
            if (name.equals("logback.xml") && logbackConfig != null) {
                return logbackConfig;
            }
            return super.findResource(name);
        }
    }
}
