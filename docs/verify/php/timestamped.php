<?php
// Herald "timestamped" scheme (OfficeRnD style): header officernd-signature (or the endpoint's
// name for it) = "t=<unix seconds>,signature=<hex>", signing "<body>.<t>" with the secret's bytes.
// PHP standard library only. $body is the raw request body (file_get_contents('php://input')).
function verify_timestamped(string $secret, string $signatureHeader, string $body, int $tolerance = 300, ?int $now = null): bool
{
    if (!preg_match('/^t=(\d+),signature=([0-9a-fA-F]+)$/D', $signatureHeader, $m)) {
        return false;
    }
    if (abs(($now ?? time()) - (int) $m[1]) > $tolerance) {
        return false; // too old (a replay) or too far ahead
    }
    $expected = hash_hmac('sha256', $body . '.' . $m[1], $secret);
    return hash_equals($expected, strtolower($m[2])); // constant-time
}
