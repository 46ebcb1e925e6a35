# Herald "standard-webhooks" scheme: headers webhook-id, webhook-timestamp, webhook-signature.
# Python 3 standard library only. `body` is the raw request body (bytes), `headers` a dict with
# lower-case names. Returns True only for a genuine request signed within `tolerance` seconds.
import base64, hashlib, hmac, time

def verify_standard_webhooks(secret, headers, body, tolerance=300, now=None):
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    if not msg_id or not (ts.isascii() and ts.isdigit()):
        return False
    if abs((now if now is not None else time.time()) - int(ts)) > tolerance:
        return False  # too old (a replay) or too far ahead
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    signed = msg_id.encode() + b"." + ts.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # During a secret rotation Herald sends one "v1,<sig>" per active secret, space-separated.
    for value in headers.get("webhook-signature", "").split(" "):
        version, _, sig = value.partition(",")
        if version == "v1" and hmac.compare_digest(sig.encode(), expected.encode()):
            return True
    return False
