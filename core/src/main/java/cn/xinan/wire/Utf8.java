package cn.xinan.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for payloads: the contract is UTF-8 only (docs/mqtt-contract.md). A JSON parser reading bytes
 * guesses the encoding (UTF-16 and UTF-32 are detected and accepted), and a lenient decoder replaces malformed
 * sequences; both would let a payload through that no device of ours writes.
 */
final class Utf8 {
    private Utf8() {
    }

    /** @throws WireFormatException when {@code bytes} is not well-formed UTF-8 or holds a NUL character */
    static String strict(byte[] bytes, String what) throws WireFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException(what + " is not well-formed UTF-8 (the contract is UTF-8 only)");
        }
        if (text.indexOf('\0') >= 0) {
            throw new WireFormatException(what + " holds a NUL character (UTF-16 or UTF-32? the contract is UTF-8 only)");
        }
        return text;
    }
}
