# Herald "stripe" scheme: header stripe-signature = "t=<unix seconds>,v1=<hex>", signing
# "<t>.<body>" with the whole secret string's bytes (whsec_ included, as Stripe does).
# Ruby standard library only. body is the raw request body (request.raw_post in Rails).
require "openssl"

def verify_stripe(secret, signature_header, body, tolerance: 300, now: Time.now.to_i)
  pairs = signature_header.to_s.split(",").map { |item| item.split("=", 2) }
  ts = pairs.find { |key, _| key == "t" }&.last.to_s
  return false unless ts.match?(/\A\d+\z/)
  return false if (now - ts.to_i).abs > tolerance # too old (a replay) or too far ahead

  expected = OpenSSL::HMAC.hexdigest("SHA256", secret, ts + "." + body.b)
  pairs.any? { |key, value| key == "v1" && OpenSSL.secure_compare(value.to_s, expected) }
end
