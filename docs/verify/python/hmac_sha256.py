# Herald "hmac-sha256" scheme: the raw body signed with the secret's bytes, sent as prefix + hex.
# Header and prefix are the endpoint's: PeopleForce x-peopleforce-signature with "sha256=",
# GitHub x-hub-signature-256 with "sha256=", the e-signing service X-Signature with no prefix.
# This scheme has no timestamp, so it cannot refuse a replay: deduplicate on webhook-id.
# Python 3 standard library only. `body` is the raw request body (bytes).
import hashlib, hmac

def verify_hmac_sha256(secret, signature_header, body, prefix=""):
    expected = prefix + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest((signature_header or "").encode(), expected.encode())
