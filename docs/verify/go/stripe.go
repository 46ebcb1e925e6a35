// Herald "stripe" scheme: header stripe-signature = "t=<unix seconds>,v1=<hex>", signing
// "<t>.<body>" with the whole secret string's bytes (whsec_ included, as Stripe does).
// Go standard library only. body is the raw request body.
package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
)

// VerifyStripe is true only for a genuine request signed within tolerance of now.
func VerifyStripe(secret, signatureHeader string, body []byte, tolerance time.Duration, now time.Time) bool {
	var ts string
	var signatures [][]byte
	for _, item := range strings.Split(signatureHeader, ",") {
		key, value, _ := strings.Cut(item, "=")
		if key == "t" {
			ts = value
		} else if decoded, err := hex.DecodeString(value); key == "v1" && err == nil {
			signatures = append(signatures, decoded)
		}
	}
	seconds, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(float64(now.Unix()-seconds)) > tolerance.Seconds() {
		return false // missing, too old (a replay) or too far ahead
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	expected := mac.Sum(nil)
	for _, sig := range signatures {
		if hmac.Equal(sig, expected) {
			return true
		}
	}
	return false
}
