package cn.xinan.collector.broker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The Mosquitto password file and ACL file the embedded broker enforces ({@code broker.password-file},
 * {@code broker.acl-file}): the same files a Mosquitto would be configured with.
 */
public record BrokerAccessFiles(Path passwordFile, Path aclFile) {
    public BrokerAccessFiles {
        Objects.requireNonNull(passwordFile, "broker.password-file is missing");
        Objects.requireNonNull(aclFile, "broker.acl-file is missing");
    }
}
