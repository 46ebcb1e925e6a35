# Herald "entity-path" scheme (iOFFICE / Eptura style): header x-ioffice-signature (or the
# endpoint's name for it) = hex HMAC of "<eventType>:<entityType>:<entityId>" with the secret's
# bytes. The three values are the last three segments of the request path; a POST also carries
# them in its JSON body, which must agree. `path` is the request path (query allowed), `body` bytes.
# Python 3 standard library only. No timestamp: deduplicate on webhook-id.
import hashlib, hmac, json
from urllib.parse import unquote

def verify_entity_path(secret, signature_header, path, body=b""):
    segments = path.split("?", 1)[0].split("/")[-3:]
    if len(segments) < 3 or "" in segments:
        return False
    try:
        event_type, entity_type, entity_id = (unquote(s, errors="strict") for s in segments)
        if body:
            sent = json.loads(body)
            if [sent["eventType"], sent["entityType"], str(sent["entityId"])] != [event_type, entity_type, entity_id]:
                return False  # the body names another entity than the signed path
    except (ValueError, KeyError, TypeError):
        return False
    content = f"{event_type}:{entity_type}:{entity_id}".encode()
    expected = hmac.new(secret.encode(), content, hashlib.sha256).hexdigest()
    return hmac.compare_digest((signature_header or "").lower().encode(), expected.encode())
