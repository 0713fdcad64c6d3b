// Package sign adds Authenticode signatures to PowerShell scripts and
// cabinet files with osslsigncode, so that bundles run under an AllSigned
// execution policy. Signing is reproducible: the signing time is fixed
// (the catalog's date, not the clock), no timestamp server is asked, and
// the RSA signatures osslsigncode makes are deterministic.
package sign

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Options name the signing key: a PEM certificate chain and key, or a
// PKCS#12 file and its password.
type Options struct {
	Cert, Key   string
	PFX         string
	PFXPassword string
	// Time is the signing time written into every signature.
	Time time.Time
}

// Signer signs files with one key.
type Signer struct {
	opt  Options
	tool string
}

// ToolName is the program that signs.
const ToolName = "osslsigncode"

// New checks the options and finds osslsigncode.
func New(opt Options) (*Signer, error) {
	switch {
	case opt.PFX != "" && (opt.Cert != "" || opt.Key != ""):
		return nil, errors.New("sign: give either --pfx or --sign-cert with --sign-key, not both")
	case opt.PFX == "" && (opt.Cert == "") != (opt.Key == ""):
		return nil, errors.New("sign: --sign-cert and --sign-key go together")
	case opt.PFX == "" && opt.Cert == "":
		return nil, errors.New("sign: no key given")
	}
	for _, f := range []string{opt.Cert, opt.Key, opt.PFX} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
	}
	tool, err := exec.LookPath(ToolName)
	if err != nil {
		return nil, fmt.Errorf("sign: %s is not installed (apt-get install osslsigncode): it signs the .ps1 and .cab files", ToolName)
	}
	return &Signer{opt: opt, tool: tool}, nil
}

// File signs in into out (a new file). An already signed input is an
// error from osslsigncode, which the caller avoids by asking Signed first.
func (s *Signer) File(in, out string) error {
	return s.sign(in, out, filepath.Base(in))
}

// sign signs in into out; name is the file's name for messages.
func (s *Signer) sign(in, out, name string) error {
	args := []string{"sign", "-h", "sha256", "-n", "wufix", "-time", fmt.Sprint(s.opt.Time.Unix())}
	if s.opt.PFX != "" {
		pass, err := s.passFile(filepath.Dir(out))
		if err != nil {
			return err
		}
		defer os.Remove(pass)
		args = append(args, "-pkcs12", s.opt.PFX, "-readpass", pass)
	} else {
		args = append(args, "-certs", s.opt.Cert, "-key", s.opt.Key)
	}
	args = append(args, "-in", in, "-out", out)
	if msg, err := exec.Command(s.tool, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("sign %s: %v: %s", name, err, failureText(msg))
	}
	return nil
}

// passFile hands the PKCS#12 password to osslsigncode in a private file,
// never on its command line, where other users could read it.
func (s *Signer) passFile(dir string) (string, error) {
	f, err := os.CreateTemp(dir, ".wufix-pass-")
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(s.opt.PFXPassword); err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return f.Name(), nil
}

// Bytes signs the contents of one file named name and returns the signed
// bytes. The script must use CRLF line endings: the signature block is
// appended with them.
func (s *Signer) Bytes(name string, data []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "wufix-sign-")
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in-"+filepath.Base(name))
	out := filepath.Join(dir, filepath.Base(name))
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if err := s.sign(in, out, name); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// Signed reports whether a file already carries an Authenticode signature.
func (s *Signer) Signed(p string) bool {
	out := p + ".wufix-sig"
	defer os.Remove(out)
	return exec.Command(s.tool, "extract-signature", "-in", p, "-out", out).Run() == nil
}

// Cab signs a staged cabinet file in place unless it is signed already:
// Microsoft's own packages carry Microsoft's signature, which DISM checks
// and which must not be replaced. It reports whether it signed.
func (s *Signer) Cab(p string) (bool, error) {
	if !strings.EqualFold(filepath.Ext(p), ".cab") || s.Signed(p) {
		return false, nil
	}
	tmp := p + ".wufix-signed"
	if err := s.File(p, tmp); err != nil {
		os.Remove(tmp)
		return false, err
	}
	return true, os.Rename(tmp, p)
}

// failureText keeps what osslsigncode says about the failure: its lines but
// the closing "Failed", joined.
func failureText(b []byte) string {
	var keep []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && line != "Failed" {
			keep = append(keep, line)
		}
	}
	msg := strings.Join(keep, "; ")
	if len(msg) > 400 {
		msg = msg[:400] + "..."
	}
	return msg
}
