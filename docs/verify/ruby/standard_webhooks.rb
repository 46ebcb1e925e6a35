# Herald "standard-webhooks" scheme: headers webhook-id, webhook-timestamp, webhook-signature.
# Ruby standard library only. body is the raw request body (request.raw_post in Rails), headers
# a Hash with lower-case names. True only for a genuine request signed within tolerance seconds.
require "base64"
require "openssl"

def verify_standard_webhooks(secret, headers, body, tolerance: 300, now: Time.now.to_i)
  id = headers["webhook-id"].to_s
  ts = headers["webhook-timestamp"].to_s
  return false if id.empty? || !ts.match?(/\A\d+\z/)
  return false if (now - ts.to_i).abs > tolerance # too old (a replay) or too far ahead

  key = Base64.strict_decode64(secret.delete_prefix("whsec_"))
  signed = id.b + "." + ts + "." + body.b
  expected = Base64.strict_encode64(OpenSSL::HMAC.digest("SHA256", key, signed))
  # During a secret rotation Herald sends one "v1,<sig>" per active secret, space-separated.
  headers["webhook-signature"].to_s.split(" ").any? do |value|
    version, sig = value.split(",", 2)
    version == "v1" && OpenSSL.secure_compare(sig.to_s, expected) # constant-time
  end
rescue ArgumentError # a secret that is not base64
  false
end
