# Herald "hmac-sha256" scheme: the raw body signed with the secret's bytes, sent as prefix + hex.
# Header and prefix are the endpoint's: PeopleForce x-peopleforce-signature with "sha256=",
# GitHub x-hub-signature-256 with "sha256=", the e-signing service X-Signature with no prefix.
# This scheme has no timestamp, so it cannot refuse a replay: deduplicate on webhook-id.
# Ruby standard library only. body is the raw request body (request.raw_post in Rails).
require "openssl"

def verify_hmac_sha256(secret, signature_header, body, prefix: "")
  expected = prefix + OpenSSL::HMAC.hexdigest("SHA256", secret, body.b)
  OpenSSL.secure_compare(signature_header.to_s, expected) # constant-time
end
