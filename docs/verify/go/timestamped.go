// Herald "timestamped" scheme (OfficeRnD style): header officernd-signature (or the endpoint's
// name for it) = "t=<unix seconds>,signature=<hex>", signing "<body>.<t>" with the secret's bytes.
// Go standard library only. body is the raw request body.
package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"regexp"
	"strconv"
	"time"
)

var timestampedValue = regexp.MustCompile(`^t=(\d+),signature=([0-9a-fA-F]+)$`)

// VerifyTimestamped is true only for a genuine request signed within tolerance of now.
func VerifyTimestamped(secret, signatureHeader string, body []byte, tolerance time.Duration, now time.Time) bool {
	m := timestampedValue.FindStringSubmatch(signatureHeader)
	if m == nil {
		return false
	}
	seconds, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || math.Abs(float64(now.Unix()-seconds)) > tolerance.Seconds() {
		return false // too old (a replay) or too far ahead
	}
	received, err := hex.DecodeString(m[2])
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	mac.Write([]byte("." + m[1]))
	return hmac.Equal(received, mac.Sum(nil))
}
