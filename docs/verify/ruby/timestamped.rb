# Herald "timestamped" scheme (OfficeRnD style): header officernd-signature (or the endpoint's
# name for it) = "t=<unix seconds>,signature=<hex>", signing "<body>.<t>" with the secret's bytes.
# Ruby standard library only. body is the raw request body (request.raw_post in Rails).
require "openssl"

def verify_timestamped(secret, signature_header, body, tolerance: 300, now: Time.now.to_i)
  match = /\At=(\d+),signature=(\h+)\z/.match(signature_header.to_s)
  return false unless match
  ts, sig = match[1], match[2].downcase
  return false if (now - ts.to_i).abs > tolerance # too old (a replay) or too far ahead

  expected = OpenSSL::HMAC.hexdigest("SHA256", secret, body.b + "." + ts)
  OpenSSL.secure_compare(sig, expected) # constant-time
end
