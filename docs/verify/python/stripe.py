# Herald "stripe" scheme: header stripe-signature = "t=<unix seconds>,v1=<hex>", signing
# "<t>.<body>" with the whole secret string's bytes (whsec_ included, as Stripe does).
# Python 3 standard library only. `body` is the raw request body (bytes).
import hashlib, hmac, time

def verify_stripe(secret, signature_header, body, tolerance=300, now=None):
    parts = [item.partition("=") for item in (signature_header or "").split(",")]
    ts = next((value for key, _, value in parts if key == "t"), "")
    if not (ts.isascii() and ts.isdigit()):
        return False
    if abs((now if now is not None else time.time()) - int(ts)) > tolerance:
        return False  # too old (a replay) or too far ahead
    expected = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(key == "v1" and hmac.compare_digest(value.encode(), expected.encode()) for key, _, value in parts)
