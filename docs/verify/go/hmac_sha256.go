// Herald "hmac-sha256" scheme: the raw body signed with the secret's bytes, sent as prefix + hex.
// Header and prefix are the endpoint's: PeopleForce x-peopleforce-signature with "sha256=",
// GitHub x-hub-signature-256 with "sha256=", the e-signing service X-Signature with no prefix.
// This scheme has no timestamp, so it cannot refuse a replay: deduplicate on webhook-id.
// Go standard library only. body is the raw request body.
package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// VerifyHmacSha256 is true only when signatureHeader is prefix + hex(HMAC-SHA256(secret, body)).
func VerifyHmacSha256(secret, signatureHeader string, body []byte, prefix string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	expected := prefix + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(signatureHeader), []byte(expected))
}
