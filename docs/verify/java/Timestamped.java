// Herald "timestamped" scheme (OfficeRnD style): header officernd-signature (or the endpoint's
// name for it) = "t=<unix seconds>,signature=<hex>", signing "<body>.<t>" with the secret's bytes.
// Java standard library only. body is the raw request body.
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class Timestamped {
    private static final Pattern VALUE = Pattern.compile("t=(\\d{1,18}),signature=([0-9a-fA-F]+)");

    /** True only for a genuine request signed within toleranceSeconds of nowSeconds (Unix time). */
    public static boolean verify(String secret, String signatureHeader, byte[] body, long toleranceSeconds, long nowSeconds) {
        Matcher m = VALUE.matcher(signatureHeader == null ? "" : signatureHeader);
        if (!m.matches()) return false;
        if (Math.abs(nowSeconds - Long.parseLong(m.group(1))) > toleranceSeconds) return false; // too old (a replay) or too far ahead
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(body);
            byte[] expected = mac.doFinal(("." + m.group(1)).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(HexFormat.of().parseHex(m.group(2)), expected); // constant-time
        } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
            return false; // odd-length hex, or no HMAC-SHA256 in this JVM
        }
    }
}
