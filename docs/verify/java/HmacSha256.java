// Herald "hmac-sha256" scheme: the raw body signed with the secret's bytes, sent as prefix + hex.
// Header and prefix are the endpoint's: PeopleForce x-peopleforce-signature with "sha256=",
// GitHub x-hub-signature-256 with "sha256=", the e-signing service X-Signature with no prefix.
// This scheme has no timestamp, so it cannot refuse a replay: deduplicate on webhook-id.
// Java standard library only. body is the raw request body.
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class HmacSha256 {
    /** True only when signatureHeader is prefix + hex(HMAC-SHA256(secret, body)). */
    public static boolean verify(String secret, String signatureHeader, byte[] body, String prefix) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = prefix + HexFormat.of().formatHex(mac.doFinal(body));
            byte[] received = (signatureHeader == null ? "" : signatureHeader).getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(received, expected.getBytes(StandardCharsets.UTF_8)); // constant-time
        } catch (java.security.GeneralSecurityException e) {
            return false; // no HMAC-SHA256 in this JVM
        }
    }
}
