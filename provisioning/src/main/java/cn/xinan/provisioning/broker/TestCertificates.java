package cn.xinan.provisioning.broker;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A small certificate authority and the broker's server certificate, made with Bouncy Castle's PKIX (ECDSA P-256,
 * SHA-256), written as PEM files Mosquitto reads: {@code ca.crt}, {@code ca.key}, {@code server.crt},
 * {@code server.key}. For a test or a small set-up; a district with its own PKI puts its files in their place
 * (docs/provisioning.md, "TLS").
 */
public final class TestCertificates {
    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER_CERT = "server.crt";
    public static final String SERVER_KEY = "server.key";
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final Pattern IP = Pattern.compile("[0-9.]+|.*:.*");

    private TestCertificates() {
    }

    /**
     * Writes a new CA and a server certificate for {@code names} (host names or IP addresses the devices and the
     * collector use to reach the broker: each must match, clients check it) into {@code dir}. Keys are readable by
     * the owner only.
     */
    public static void write(Path dir, List<String> names, Clock clock, SecureRandom random) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the server certificate needs at least one host name or IP address");
        }
        try {
            Files.createDirectories(dir);
            Instant now = clock.instant();
            KeyPair caKeys = ecKeys(random);
            X500Name caName = new X500Name("CN=Xin'an district CA " + now.toString().substring(0, 10));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509CertificateHolder ca = new JcaX509v3CertificateBuilder(caName, serial(random),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));

            KeyPair serverKeys = ecKeys(random);
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) {
                String name = n.strip();
                if (IP.matcher(name).matches()) {
                    alt.add(new GeneralName(GeneralName.iPAddress, name));
                } else {
                    alt.add(new GeneralName(GeneralName.dNSName, name));
                }
            }
            X509CertificateHolder server = new JcaX509v3CertificateBuilder(caName, serial(random),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SERVER_VALIDITY)),
                    new X500Name("CN=" + names.get(0).strip()), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(caKeys.getPublic()))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));

            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            Files.writeString(dir.resolve(CA_CERT), pem(converter.getCertificate(ca)));
            Files.writeString(dir.resolve(SERVER_CERT), pem(converter.getCertificate(server)));
            writeSecret(dir.resolve(CA_KEY), pem(new JcaPKCS8Generator(caKeys.getPrivate(), null).generate()));
            writeSecret(dir.resolve(SERVER_KEY), pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the certificates: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the certificates to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A trust store holding the CA certificate at {@code caCert} (what a Java client needs to trust the broker). */
    public static KeyStore trustStore(Path caCert) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try (var in = Files.newInputStream(caCert)) {
                X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
                store.setCertificateEntry("xinan-ca", ca);
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot read the CA certificate " + caCert + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair ecKeys(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(64, random).add(BigInteger.ONE);
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    private static void writeSecret(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, text.getBytes(StandardCharsets.US_ASCII));
    }
}
