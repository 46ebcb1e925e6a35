<?php
// Herald "entity-path" scheme (iOFFICE / Eptura style): header x-ioffice-signature (or the
// endpoint's name for it) = hex HMAC of "<eventType>:<entityType>:<entityId>" with the secret's
// bytes. The three values are the last three segments of the request path ($_SERVER['REQUEST_URI']);
// a POST also carries them in its JSON body, which must agree. No timestamp: deduplicate on webhook-id.
// PHP standard library only.
function verify_entity_path(string $secret, string $signatureHeader, string $path, string $body = ''): bool
{
    $segments = array_slice(explode('/', explode('?', $path, 2)[0]), -3);
    if (count($segments) < 3 || in_array('', $segments, true)) {
        return false;
    }
    $fields = array_map('rawurldecode', $segments); // a "+" stays a "+" in a path
    if ($body !== '') {
        $sent = json_decode($body, true);
        if (!is_array($sent) || !is_string($sent['eventType'] ?? null) || !is_string($sent['entityType'] ?? null)) {
            return false;
        }
        $id = $sent['entityId'] ?? null;
        if (!is_string($id) && !is_int($id) && !is_float($id)) {
            return false;
        }
        if ([$sent['eventType'], $sent['entityType'], (string) $id] !== $fields) {
            return false; // the body names another entity than the signed path
        }
    }
    $expected = hash_hmac('sha256', implode(':', $fields), $secret);
    return hash_equals($expected, strtolower($signatureHeader)); // constant-time
}
