package dev.bentoj.storage.control;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A real S3 server for tests: S3Proxy over a directory, on a free port of 127.0.0.1.
 *
 * <p>S3Proxy's fat jar is on the test class path but runs in a class loader of its own that sees
 * only that jar: it bundles Jackson 3.2 (Flyway brings 3.1 first, and S3Proxy then fails with
 * NoSuchFieldError on multipart uploads) and okhttp 3 (the MinIO client needs 4). The agent's
 * {@code dev.bentoj.embedded.EmbeddedS3} does the same for {@code bento up}.
 */
final class S3ProxyServer implements AutoCloseable {

    final String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
    final String secretKey = UUID.randomUUID().toString();
    final String url;
    private final URLClassLoader loader;
    private final Object proxy;

    S3ProxyServer(Path directory) throws Exception {
        URL classFile = ClassLoader.getSystemResource("org/gaul/s3proxy/S3Proxy.class");
        String jar = classFile.getPath().substring(0, classFile.getPath().indexOf("!/"));
        loader = new URLClassLoader(new URL[] {new URL(jar)}, ClassLoader.getPlatformClassLoader());
        Class<?> s3Proxy = loader.loadClass("org.gaul.s3proxy.S3Proxy");
        Class<?> auth = loader.loadClass("org.gaul.s3proxy.auth.AuthenticationType");
        Object blobStore = loader.loadClass("org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore")
                .getConstructor(String.class).newInstance(directory.toString());
        Object builder = s3Proxy.getMethod("builder").invoke(null);
        Class<?> type = builder.getClass();
        type.getMethod("blobStore", loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore"))
                .invoke(builder, blobStore);
        type.getMethod("endpoint", URI.class).invoke(builder, URI.create("http://127.0.0.1:0"));
        type.getMethod("awsAuthentication", auth, String.class, String.class)
                .invoke(builder, auth.getField("AWS_V2_OR_V4").get(null), accessKey, secretKey);
        type.getMethod("stopTimeout", long.class).invoke(builder, 1000L);
        proxy = type.getMethod("build").invoke(builder);

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // Jetty's threads inherit it
        try {
            s3Proxy.getMethod("start").invoke(proxy);
            while (!"STARTED".equals(s3Proxy.getMethod("getState").invoke(proxy))) {
                Thread.sleep(5);
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        url = "http://127.0.0.1:" + s3Proxy.getMethod("getPort").invoke(proxy);
    }

    @Override
    public void close() throws Exception {
        proxy.getClass().getMethod("stop").invoke(proxy);
        loader.close();
    }
}
