package cn.xinan.collector.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import cn.xinan.provisioning.broker.MosquittoAcl;
import cn.xinan.provisioning.broker.MosquittoPasswordFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-process MQTT 5 broker (HiveMQ Community Edition, embedded) for the one-command start: shared
 * subscriptions, persistent sessions and retained messages kept in its data folder across restarts. It
 * writes its own {@code config.xml} (a TCP listener, with {@link BrokerSettings#tls()} a TLS listener too; usage
 * statistics off) and keeps its logging quiet: warnings and errors only, and it does not take over the JVM's logging. With
 * {@link BrokerSettings#access()} it enforces a Mosquitto password file and ACL ({@link BrokerAccess}).
 *
 * <p>The TLS listener's certificate and key are written at every start into a PKCS#12 key store
 * ({@code conf/broker.p12}) under a fresh random password that only {@code config.xml} holds; both files are
 * readable by the collector's user only. It offers TLS 1.2 and 1.3 ({@link BrokerTls#PROTOCOLS}).
 *
 * <p>For a city, run a real broker (Mosquitto) instead; see docs/collector.md.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedBroker.class.getName());

    private final BrokerSettings settings;
    private final EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(BrokerSettings settings, EmbeddedHiveMQ hivemq) {
        this.settings = settings;
        this.hivemq = hivemq;
    }

    /** Starts the broker and returns once it accepts connections. */
    public static EmbeddedBroker start(BrokerSettings settings) {
        Objects.requireNonNull(settings, "broker settings are missing");
        Path conf = settings.dataDir().resolve("conf");
        Path data = settings.dataDir().resolve("data");
        Path extensions = settings.dataDir().resolve("extensions");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(data);
            Files.createDirectories(extensions);
            String keyStorePassword = null;
            if (settings.tls().isPresent()) {
                keyStorePassword = randomPassword();
                writeSecret(conf.resolve(KEY_STORE), keyStore(settings.tls().get(), keyStorePassword));
            } else {
                Files.deleteIfExists(conf.resolve(KEY_STORE));
            }
            writeSecret(conf.resolve("config.xml"), configXml(settings, conf.resolve(KEY_STORE), keyStorePassword)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("broker: cannot prepare " + settings.dataDir() + ": " + e.getMessage(), e);
        }
        quietLogging();
        var builder = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withoutLoggingBootstrap();
        if (settings.access().isPresent()) {
            BrokerAccessFiles files = settings.access().get();
            builder.withEmbeddedExtension(EmbeddedExtension.builder()
                    .withId("xinan-access").withName("Xin'an access control").withVersion("1").withAuthor("xinan")
                    .withPriority(1000).withStartPriority(1000)
                    .withExtensionMain(new BrokerAccess(MosquittoPasswordFile.read(files.passwordFile()),
                            MosquittoAcl.read(files.aclFile())))
                    .build());
        } else {
            LOG.log(System.Logger.Level.WARNING, "embedded MQTT broker without access control: anonymous clients may "
                    + "publish and subscribe to anything (set broker.password-file and broker.acl-file)");
        }
        EmbeddedHiveMQ hivemq = builder.build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(hivemq);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("broker: cannot start on " + settings.host() + ":" + settings.port() + ": "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(hivemq);
            throw new IllegalStateException("broker: interrupted while starting", e);
        }
        LOG.log(System.Logger.Level.INFO, "embedded MQTT broker listening on " + settings.url()
                + settings.tlsUrl().map(u -> " and " + u).orElse("") + ", data in " + settings.dataDir());
        return new EmbeddedBroker(settings, hivemq);
    }

    /**
     * The PKCS#12 key store of the TLS listener, in the configuration folder. (HiveMQ CE opens every key store as
     * type {@code JKS}; the JDK's {@code JKS} key store reads PKCS#12 files too.)
     */
    static final String KEY_STORE = "broker.p12";
    private static final String KEY_ALIAS = "xinan-broker";

    /** {@code keyStorePassword} is null without a TLS listener. */
    static String configXml(BrokerSettings s, Path keyStore, String keyStorePassword) {
        String tls = s.tls().map(t -> """
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <protocols>%s</protocols>
                                <client-authentication-mode>NONE</client-authentication-mode>
                            </tls>
                        </tls-tcp-listener>
                """.formatted(t.port(), xml(s.host()), xml(keyStore.toAbsolutePath().toString()),
                xml(Objects.requireNonNull(keyStorePassword, "key store password")), xml(keyStorePassword),
                String.join("", BrokerTls.PROTOCOLS.stream().map(p -> "<protocol>" + p + "</protocol>").toList())))
                .orElse("");
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                %s    </listeners>
                    <mqtt>
                        <shared-subscriptions><enabled>true</enabled></shared-subscriptions>
                        <session-expiry><max-interval>4294967295</max-interval></session-expiry>
                        <queued-messages><max-queue-size>1000000</max-queue-size></queued-messages>
                    </mqtt>
                    <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    <persistence><mode>%s</mode></persistence>
                </hivemq>
                """.formatted(s.port(), xml(s.plainHost()), tls, s.persistence().mode());
    }

    private static byte[] keyStore(BrokerTls tls, String password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(KEY_ALIAS, tls.key(), password.toCharArray(), tls.chain().toArray(X509Certificate[]::new));
        var out = new java.io.ByteArrayOutputStream();
        store.store(out, password.toCharArray());
        return out.toByteArray();
    }

    private static String randomPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Writes {@code bytes} to a file only its owner may read (where the file system has POSIX permissions). */
    private static void writeSecret(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            out.write(bytes);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * HiveMQ logs through SLF4J to Logback at INFO; the collector logs through the JDK. Lower Logback to
     * warnings when it is the SLF4J binding (reflection keeps Logback off the compile path).
     */
    private static void quietLogging() {
        for (String name : new String[]{org.slf4j.Logger.ROOT_LOGGER_NAME, "com.hivemq"}) {
            Object logger = org.slf4j.LoggerFactory.getLogger(name);
            try {
                Class<?> level = Class.forName("ch.qos.logback.classic.Level");
                logger.getClass().getMethod("setLevel", level).invoke(logger, level.getField("WARN").get(null));
            } catch (ReflectiveOperationException | LinkageError e) {
                return; // another SLF4J binding: its own configuration decides
            }
        }
    }

    public String url() {
        return settings.url();
    }

    /** The TLS listener's URL ({@code ssl://host:port}), if it has one. */
    public java.util.Optional<String> tlsUrl() {
        return settings.tlsUrl();
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** Stops the broker; sessions and queued messages stay in its data folder for the next start. */
    @Override
    public void close() {
        closeQuietly(hivemq);
    }

    private static void closeQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.close();
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "broker: stopping failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
