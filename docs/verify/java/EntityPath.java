// Herald "entity-path" scheme (iOFFICE / Eptura style): header x-ioffice-signature (or the
// endpoint's name for it) = hex HMAC of "<eventType>:<entityType>:<entityId>" with the secret's
// bytes. The three values are the last three segments of the request path (getRequestURI());
// a POST also carries them in its JSON body, which must agree. No timestamp: deduplicate on webhook-id.
// Java standard library only (no JSON parser there: the body's three flat fields are read by pattern).
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class EntityPath {
    /** True only when the signature covers the entity named by the path (and the body, if any). */
    public static boolean verify(String secret, String signatureHeader, String path, byte[] body) {
        String[] segments = path.split("\\?", 2)[0].split("/", -1);
        if (segments.length < 3) return false;
        String[] fields = new String[3];
        try {
            for (int i = 0; i < 3; i++) {
                String s = segments[segments.length - 3 + i];
                // Percent-decoding only: a "+" stays a "+" in a path.
                fields[i] = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (fields[i].isEmpty()) return false;
            }
            if (body != null && body.length > 0) {
                String json = new String(body, StandardCharsets.UTF_8);
                if (!fields[0].equals(jsonField(json, "eventType", false)) || !fields[1].equals(jsonField(json, "entityType", false))
                        || !fields[2].equals(jsonField(json, "entityId", true))) {
                    return false; // the body names another entity than the signed path
                }
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal(String.join(":", fields).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(HexFormat.of().parseHex(signatureHeader == null ? "" : signatureHeader), expected);
        } catch (IllegalArgumentException | IndexOutOfBoundsException | java.security.GeneralSecurityException e) {
            return false; // bad percent-encoding or hex, or no HMAC-SHA256 in this JVM
        }
    }

    /** A top-level string (or, if allowed, number) field of Herald's flat entity-ref body; null if absent. */
    private static String jsonField(String json, String name, boolean numberAllowed) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(-?[0-9][0-9.eE+-]*))").matcher(json);
        if (!m.find()) return null;
        if (m.group(2) != null) return numberAllowed ? m.group(2) : null;
        StringBuilder out = new StringBuilder();
        String s = m.group(1);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') { out.append(c); continue; }
            char e = s.charAt(++i);
            switch (e) {
                case 'u' -> { out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; }
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                default -> out.append(e); // \" \\ \/
            }
        }
        return out.toString();
    }
}
