// Herald "stripe" scheme: header stripe-signature = "t=<unix seconds>,v1=<hex>", signing
// "<t>.<body>" with the whole secret string's bytes (whsec_ included, as Stripe does).
// Java standard library only. body is the raw request body.
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class Stripe {
    /** True only for a genuine request signed within toleranceSeconds of nowSeconds (Unix time). */
    public static boolean verify(String secret, String signatureHeader, byte[] body, long toleranceSeconds, long nowSeconds) {
        String ts = "";
        List<String> signatures = new ArrayList<>();
        for (String item : (signatureHeader == null ? "" : signatureHeader).split(",")) {
            if (item.startsWith("t=")) ts = item.substring(2);
            else if (item.startsWith("v1=")) signatures.add(item.substring(3));
        }
        if (!ts.matches("\\d{1,18}") || Math.abs(nowSeconds - Long.parseLong(ts)) > toleranceSeconds) {
            return false; // missing, too old (a replay) or too far ahead
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((ts + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.UTF_8);
            for (String sig : signatures) {
                if (MessageDigest.isEqual(sig.getBytes(StandardCharsets.UTF_8), expected)) return true; // constant-time
            }
            return false;
        } catch (java.security.GeneralSecurityException e) {
            return false; // no HMAC-SHA256 in this JVM
        }
    }
}
