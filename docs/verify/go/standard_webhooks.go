// Herald "standard-webhooks" scheme: headers webhook-id, webhook-timestamp, webhook-signature.
// Go standard library only. body is the raw request body; header is r.Header.
package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VerifyStandardWebhooks is true only for a genuine request signed within tolerance of now.
func VerifyStandardWebhooks(secret string, header http.Header, body []byte, tolerance time.Duration, now time.Time) bool {
	id, ts := header.Get("webhook-id"), header.Get("webhook-timestamp")
	seconds, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil || math.Abs(float64(now.Unix()-seconds)) > tolerance.Seconds() {
		return false // missing, too old (a replay) or too far ahead
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	expected := mac.Sum(nil)
	// During a secret rotation Herald sends one "v1,<sig>" per active secret, space-separated.
	for _, value := range strings.Split(header.Get("webhook-signature"), " ") {
		version, sig, found := strings.Cut(value, ",")
		decoded, err := base64.StdEncoding.DecodeString(sig)
		if found && version == "v1" && err == nil && hmac.Equal(decoded, expected) {
			return true
		}
	}
	return false
}
