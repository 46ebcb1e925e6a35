# Herald "timestamped" scheme (OfficeRnD style): header officernd-signature (or the endpoint's
# name for it) = "t=<unix seconds>,signature=<hex>", signing "<body>.<t>" with the secret's bytes.
# Python 3 standard library only. `body` is the raw request body (bytes).
import hashlib, hmac, re, time

def verify_timestamped(secret, signature_header, body, tolerance=300, now=None):
    match = re.fullmatch(r"t=(\d+),signature=([0-9a-fA-F]+)", signature_header or "")
    if not match:
        return False
    ts, sig = match.group(1), match.group(2).lower()
    if abs((now if now is not None else time.time()) - int(ts)) > tolerance:
        return False  # too old (a replay) or too far ahead
    expected = hmac.new(secret.encode(), body + b"." + ts.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(sig, expected)
