package cn.xinan.collector.broker;

import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The embedded broker's TLS listener ({@code broker.tls-port}, {@code broker.tls-cert}, {@code broker.tls-key}): the
 * server certificate (with any intermediate certificates after it) and its private key, as {@code xinan provision
 * broker} writes them ({@code server.crt}, {@code server.key}; docs/provisioning.md) or as a district's own PKI issues
 * them. The broker offers TLS 1.2 and 1.3 only.
 *
 * @param port  the TLS listener's port
 * @param chain the server certificate first, then any intermediates
 * @param key   the server certificate's private key
 */
public record BrokerTls(int port, List<X509Certificate> chain, PrivateKey key) {
    /** The protocol versions the listener offers. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public BrokerTls {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("broker.tls-port must be between 1 and 65535, was " + port);
        }
        Objects.requireNonNull(chain, "broker.tls-cert is missing");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("broker.tls-cert holds no certificate");
        }
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "broker.tls-key is missing");
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new IllegalArgumentException("broker.tls-key is not the private key of the certificate in broker.tls-cert ("
                    + chain.getFirst().getSubjectX500Principal().getName() + ")");
        }
    }

    /**
     * Reads the PEM certificate file and the PEM private key (PKCS#8 or a traditional EC/RSA key, unencrypted).
     *
     * @throws IllegalArgumentException naming {@code broker.tls-cert} or {@code broker.tls-key} and the file
     */
    public static BrokerTls read(int port, Path certFile, Path keyFile) {
        return new BrokerTls(port, certificates(certFile), privateKey(keyFile));
    }

    private static List<X509Certificate> certificates(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("broker.tls-cert " + file + ": no such file");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("broker.tls-cert " + file + ": not a PEM certificate (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("broker.tls-cert " + file + ": not a PEM certificate (no certificate in it)");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("broker.tls-key " + file + ": no such file");
        }
        Object pem;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            pem = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("broker.tls-key " + file + ": not a PEM private key (" + e.getMessage() + ")");
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            return switch (pem) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case PEMEncryptedKeyPair ignored -> throw encrypted(file);
                case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(file);
                case null -> throw new IllegalArgumentException("broker.tls-key " + file + ": not a PEM private key");
                default -> throw new IllegalArgumentException("broker.tls-key " + file + ": not a PEM private key (it holds "
                        + pem.getClass().getSimpleName() + ")");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("broker.tls-key " + file + ": not a usable private key (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException encrypted(Path file) {
        return new IllegalArgumentException("broker.tls-key " + file
                + ": the key is encrypted; give the broker an unencrypted key readable only by the collector's user");
    }

    /** Whether {@code key} signs what {@code publicKey} verifies. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> throw new IllegalArgumentException("broker.tls-key: unsupported key type " + key.getAlgorithm()
                    + " (EC, RSA or Ed25519)");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The server certificate's subject, for messages (the key itself is never printed). */
    @Override
    public String toString() {
        return "BrokerTls[port=" + port + ", certificate=" + chain.getFirst().getSubjectX500Principal().getName() + "]";
    }
}
