<?php
// Herald "stripe" scheme: header stripe-signature = "t=<unix seconds>,v1=<hex>", signing
// "<t>.<body>" with the whole secret string's bytes (whsec_ included, as Stripe does).
// PHP standard library only. $body is the raw request body (file_get_contents('php://input')).
function verify_stripe(string $secret, string $signatureHeader, string $body, int $tolerance = 300, ?int $now = null): bool
{
    $ts = null;
    $signatures = [];
    foreach (explode(',', $signatureHeader) as $item) {
        [$key, $value] = array_pad(explode('=', $item, 2), 2, '');
        if ($key === 't') {
            $ts = $value;
        } elseif ($key === 'v1') {
            $signatures[] = $value;
        }
    }
    if ($ts === null || !preg_match('/^\d+$/D', $ts) || abs(($now ?? time()) - (int) $ts) > $tolerance) {
        return false; // missing, too old (a replay) or too far ahead
    }
    $expected = hash_hmac('sha256', "$ts.$body", $secret);
    foreach ($signatures as $sig) {
        if (hash_equals($expected, $sig)) { // constant-time
            return true;
        }
    }
    return false;
}
