<?php
// Herald "hmac-sha256" scheme: the raw body signed with the secret's bytes, sent as prefix + hex.
// Header and prefix are the endpoint's: PeopleForce x-peopleforce-signature with "sha256=",
// GitHub x-hub-signature-256 with "sha256=", the e-signing service X-Signature with no prefix.
// This scheme has no timestamp, so it cannot refuse a replay: deduplicate on webhook-id.
// PHP standard library only. $body is the raw request body (file_get_contents('php://input')).
function verify_hmac_sha256(string $secret, string $signatureHeader, string $body, string $prefix = ''): bool
{
    $expected = $prefix . hash_hmac('sha256', $body, $secret);
    return hash_equals($expected, $signatureHeader); // constant-time
}
