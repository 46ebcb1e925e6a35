// Herald "standard-webhooks" scheme: headers webhook-id, webhook-timestamp, webhook-signature.
// Java standard library only. body is the raw request body, headers a Map with lower-case names.
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class StandardWebhooks {
    /** True only for a genuine request signed within toleranceSeconds of nowSeconds (Unix time). */
    public static boolean verify(String secret, Map<String, String> headers, byte[] body, long toleranceSeconds, long nowSeconds) {
        String id = headers.getOrDefault("webhook-id", "");
        String ts = headers.getOrDefault("webhook-timestamp", "");
        if (id.isEmpty() || !ts.matches("\\d{1,18}")) return false;
        if (Math.abs(nowSeconds - Long.parseLong(ts)) > toleranceSeconds) return false; // too old (a replay) or too far ahead
        try {
            byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            // During a secret rotation Herald sends one "v1,<sig>" per active secret, space-separated.
            for (String value : headers.getOrDefault("webhook-signature", "").split(" ")) {
                if (!value.startsWith("v1,")) continue;
                byte[] sig = Base64.getDecoder().decode(value.substring(3));
                if (MessageDigest.isEqual(sig, expected)) return true; // constant-time
            }
            return false;
        } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
            return false; // not base64, or no HMAC-SHA256 in this JVM
        }
    }
}
