package cn.xinan.launcher;

import cn.xinan.collector.audit.BundleVerifier;
import cn.xinan.wire.Ed25519Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code xinan verify BUNDLE}: checks an evidence bundle offline (docs/audit.md) and prints, per room and
 * week, whether the report's figures match a recomputation from the signed events. Exit status 0 when
 * everything matches, 1 when something does not (each difference is named), 2 for a usage error or a file
 * that is not a readable bundle.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verifies an audit evidence bundle offline: signatures, file hashes and every figure "
                + "recomputed with the rules engine. Exit 0: everything matches; 1: something does not; 2: unreadable.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the evidence bundle (.zip) from /api/v1/audit/bundle")
    Path bundle;

    @Option(names = "--collector-key", paramLabel = "BASE64",
            description = "the collector's public key as printed in its log; without it the bundle's own key is shown")
    String collectorKey;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<Ed25519Keys.PublicKey> pinned;
        try {
            pinned = collectorKey == null ? Optional.empty() : Optional.of(Ed25519Keys.publicKeyFromBase64(collectorKey));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--collector-key: " + e.getMessage());
        }
        BundleVerifier.Result result;
        try {
            result = BundleVerifier.verify(bundle, pinned);
        } catch (BundleVerifier.UnreadableBundleException e) {
            throw new UserInputException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        result.lines().forEach(out::println);
        if (result.matches()) {
            out.println("RESULT: everything matches");
            out.flush();
            return 0;
        }
        out.println("RESULT: " + result.problems().size() + " difference(s) found:");
        result.problems().forEach(p -> out.println("  - " + p));
        out.flush();
        return 1;
    }
}
