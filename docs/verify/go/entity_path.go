// Herald "entity-path" scheme (iOFFICE / Eptura style): header x-ioffice-signature (or the
// endpoint's name for it) = hex HMAC of "<eventType>:<entityType>:<entityId>" with the secret's
// bytes. The three values are the last three segments of the request path (r.URL.EscapedPath());
// a POST also carries them in its JSON body, which must agree. No timestamp: deduplicate on webhook-id.
// Go standard library only.
package verify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
)

// VerifyEntityPath is true only when the signature covers the entity named by the path (and body).
func VerifyEntityPath(secret, signatureHeader, escapedPath string, body []byte) bool {
	segments := strings.Split(strings.SplitN(escapedPath, "?", 2)[0], "/")
	if len(segments) < 3 {
		return false
	}
	fields := make([]string, 3)
	for i, s := range segments[len(segments)-3:] {
		decoded, err := url.PathUnescape(s)
		if err != nil || decoded == "" {
			return false
		}
		fields[i] = decoded
	}
	if len(body) > 0 {
		var sent struct {
			EventType  *string          `json:"eventType"`
			EntityType *string          `json:"entityType"`
			EntityID   *json.RawMessage `json:"entityId"`
		}
		if json.Unmarshal(body, &sent) != nil || sent.EventType == nil || sent.EntityType == nil || sent.EntityID == nil {
			return false
		}
		id := string(*sent.EntityID) // a number as sent; a string decoded
		if bytes.HasPrefix(*sent.EntityID, []byte(`"`)) && json.Unmarshal(*sent.EntityID, &id) != nil {
			return false
		}
		if *sent.EventType != fields[0] || *sent.EntityType != fields[1] || id != fields[2] {
			return false // the body names another entity than the signed path
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strings.Join(fields, ":")))
	received, err := hex.DecodeString(signatureHeader)
	return err == nil && hmac.Equal(received, mac.Sum(nil))
}
