<?php
// Herald "standard-webhooks" scheme: headers webhook-id, webhook-timestamp, webhook-signature.
// PHP standard library only. $body is the raw request body (file_get_contents('php://input')),
// $headers an array with lower-case names. True only for a genuine request signed within $tolerance seconds.
function verify_standard_webhooks(string $secret, array $headers, string $body, int $tolerance = 300, ?int $now = null): bool
{
    $id = $headers['webhook-id'] ?? '';
    $ts = $headers['webhook-timestamp'] ?? '';
    if ($id === '' || !preg_match('/^\d+$/D', $ts)) {
        return false;
    }
    if (abs(($now ?? time()) - (int) $ts) > $tolerance) {
        return false; // too old (a replay) or too far ahead
    }
    $key = base64_decode(str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret, true);
    if ($key === false) {
        return false;
    }
    $expected = base64_encode(hash_hmac('sha256', "$id.$ts.$body", $key, true));
    // During a secret rotation Herald sends one "v1,<sig>" per active secret, space-separated.
    foreach (explode(' ', $headers['webhook-signature'] ?? '') as $value) {
        [$version, $sig] = array_pad(explode(',', $value, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $sig)) { // constant-time
            return true;
        }
    }
    return false;
}
