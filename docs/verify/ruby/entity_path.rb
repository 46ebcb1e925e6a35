# Herald "entity-path" scheme (iOFFICE / Eptura style): header x-ioffice-signature (or the
# endpoint's name for it) = hex HMAC of "<eventType>:<entityType>:<entityId>" with the secret's
# bytes. The three values are the last three segments of the request path; a POST also carries
# them in its JSON body, which must agree. No timestamp: deduplicate on webhook-id.
# Ruby standard library only. path: the raw request path (request.path in Rails), body: raw body.
require "json"
require "openssl"

def verify_entity_path(secret, signature_header, path, body = "")
  segments = path.split("?", 2).first.to_s.split("/", -1).last(3)
  return false if segments.length < 3 || segments.include?("")

  # Percent-decoding only (a "+" stays a "+" in a path).
  fields = segments.map { |s| s.b.gsub(/%(\h\h)/) { Regexp.last_match(1).hex.chr }.force_encoding("UTF-8") }
  return false unless fields.all?(&:valid_encoding?)

  unless body.to_s.empty?
    sent = JSON.parse(body)
    return false unless sent.is_a?(Hash) && sent.values_at("eventType", "entityType").all?(String) &&
                        (sent["entityId"].is_a?(String) || sent["entityId"].is_a?(Numeric))
    # the body must name the same entity as the signed path
    return false unless [sent["eventType"], sent["entityType"], sent["entityId"].to_s] == fields
  end
  expected = OpenSSL::HMAC.hexdigest("SHA256", secret, fields.join(":"))
  OpenSSL.secure_compare(signature_header.to_s.downcase, expected) # constant-time
rescue JSON::ParserError
  false
end
