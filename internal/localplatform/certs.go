package localplatform

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Names of the platform's users, as the README's contract fixes them.
const (
	AdminUser     = "appcat-admin"
	AdminGroup    = "system:masters"
	CustomerUser  = "appcat-user"
	CustomerGroup = "appcat-customers"
)

// pki holds the file names of the generated certificates and keys in <state>/pki, and the
// PEM data the kubeconfig embeds.
type pki struct {
	dir string

	caPEM, adminCertPEM, adminKeyPEM, userCertPEM, userKeyPEM []byte
	userToken                                                 string
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

const (
	caCertFile     = "ca.crt"
	caKeyFile      = "ca.key"
	servingCert    = "apiserver.crt"
	servingKey     = "apiserver.key"
	adminCertFile  = "admin.crt"
	adminKeyFile   = "admin.key"
	userCertFile   = "user.crt"
	userKeyFile    = "user.key"
	saKeyFile      = "service-account.key"
	tokenAuthFile  = "tokens.csv"
	userTokenFile  = "user.token" // in the state dir itself, as the README promises
	certLifetime   = 5 * 365 * 24 * time.Hour
	renewThreshold = 30 * 24 * time.Hour
)

var pkiFiles = []string{caCertFile, caKeyFile, servingCert, servingKey, adminCertFile, adminKeyFile,
	userCertFile, userKeyFile, saKeyFile, tokenAuthFile}

// ensurePKI loads the certificates of an earlier run from stateDir, so kubeconfigs handed out
// stay valid across down/up, or generates a new set when any file is missing or the CA expires soon.
func ensurePKI(stateDir string) (*pki, error) {
	p := &pki{dir: filepath.Join(stateDir, "pki")}
	if err := p.load(stateDir); err == nil {
		return p, nil
	}
	if err := p.generate(stateDir); err != nil {
		return nil, fmt.Errorf("generating certificates: %w", err)
	}
	if err := p.load(stateDir); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pki) load(stateDir string) error {
	for _, f := range pkiFiles {
		if _, err := os.Stat(p.path(f)); err != nil {
			return err
		}
	}
	var err error
	read := func(name string) []byte {
		if err != nil {
			return nil
		}
		var b []byte
		b, err = os.ReadFile(name)
		return b
	}
	p.caPEM = read(p.path(caCertFile))
	p.adminCertPEM = read(p.path(adminCertFile))
	p.adminKeyPEM = read(p.path(adminKeyFile))
	p.userCertPEM = read(p.path(userCertFile))
	p.userKeyPEM = read(p.path(userKeyFile))
	token := read(filepath.Join(stateDir, userTokenFile))
	if err != nil {
		return err
	}
	p.userToken = strings.TrimSpace(string(token))
	if p.userToken == "" {
		return errors.New("empty user token")
	}
	block, _ := pem.Decode(p.caPEM)
	if block == nil {
		return errors.New("bad CA certificate")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	if time.Until(ca.NotAfter) < renewThreshold {
		return errors.New("CA expires soon")
	}
	return nil
}

func (p *pki) generate(stateDir string) error {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return err
	}
	caKey, err := newKey()
	if err != nil {
		return err
	}
	now := time.Now().Add(-time.Hour) // tolerate clock skew between processes
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "appcat-local-ca"},
		NotBefore:             now,
		NotAfter:              now.Add(certLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	if err := writeCert(p.path(caCertFile), caDER); err != nil {
		return err
	}
	if err := writeKey(p.path(caKeyFile), caKey); err != nil {
		return err
	}

	leaves := []struct {
		cert, key string
		tmpl      x509.Certificate
	}{
		{servingCert, servingKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IPv4(10, 0, 0, 1)},
		}},
		{adminCertFile, adminKeyFile, x509.Certificate{
			Subject:     pkix.Name{CommonName: AdminUser, Organization: []string{AdminGroup}},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}},
		{userCertFile, userKeyFile, x509.Certificate{
			Subject:     pkix.Name{CommonName: CustomerUser, Organization: []string{CustomerGroup}},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}},
	}
	for _, l := range leaves {
		key, err := newKey()
		if err != nil {
			return err
		}
		tmpl := l.tmpl
		tmpl.SerialNumber = serial()
		tmpl.NotBefore = now
		tmpl.NotAfter = now.Add(certLifetime)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		if err := writeCert(p.path(l.cert), der); err != nil {
			return err
		}
		if err := writeKey(p.path(l.key), key); err != nil {
			return err
		}
	}

	saKey, err := newKey()
	if err != nil {
		return err
	}
	if err := writeKey(p.path(saKeyFile), saKey); err != nil {
		return err
	}

	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return err
	}
	token := hex.EncodeToString(tok)
	// token,user,uid,"group1,group2"
	line := fmt.Sprintf("%s,%s,%s,%q\n", token, CustomerUser, CustomerUser, CustomerGroup)
	if err := os.WriteFile(p.path(tokenAuthFile), []byte(line), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(stateDir, userTokenFile), []byte(token+"\n"), 0o600)
}

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

func writeCert(path string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600)
}
