package notify_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/causeway-soc/causeway/internal/respond/notify"
)

// A receiver checks each delivery before trusting it.
func ExampleVerifyRequest() {
	secret := []byte("the-secret-shared-with-causeway-0123")
	mux := http.NewServeMux()
	mux.HandleFunc("/causeway", func(w http.ResponseWriter, r *http.Request) {
		body, err := notify.VerifyRequest(r, secret, time.Now(), 5*time.Minute, 1<<20)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		// Deduplicate by r.Header.Get(notify.HeaderDelivery), then act on body.
		_ = body
	})
}

// The signature of a body, as the sender computes it; any HMAC-SHA256
// implementation gives the same digest.
func ExampleSign() {
	fmt.Println(notify.Sign([]byte("secret"), "1741964966", []byte(`{"version":1}`)))
	// Output: ff65b103aa07916afcab74c1b0210d0258ca1a34bb6681f1e11b52a2c4b65ff1
}
