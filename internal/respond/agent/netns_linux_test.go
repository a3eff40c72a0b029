//go:build linux

package agent

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netns"

	"github.com/causeway-soc/causeway/internal/respond/host"
)

// The end-to-end tests build two network namespaces joined by a veth
// pair, with no route to the machine's own network:
//
//	netns A (the host under response)      netns B (the engine)
//	  vA 10.99.0.1/24  <---- veth ---->    vB 10.99.0.2/24 (management)
//	  agent  :7443                            10.99.0.3/24 (another address)
//	  service :8080                           service :9090
//
// The agent runs in A as a child process (this test binary started by
// `ip netns exec A` in agent mode, see TestAgentProcess), so every
// nftables change it makes lands in A's ruleset and nowhere else. The
// test reaches A from B with sockets opened in B.

const (
	addrA     = "10.99.0.1"
	addrMgmt  = "10.99.0.2"
	addrOther = "10.99.0.3"
	agentPort = "7443"
)

// Environment of the agent child process.
const (
	envAgent  = "CAUSEWAY_TEST_AGENT_PROCESS"
	envListen = "CAUSEWAY_TEST_AGENT_LISTEN"
	envKey    = "CAUSEWAY_TEST_AGENT_KEY"
	envVault  = "CAUSEWAY_TEST_AGENT_VAULT"
	envShadow = "CAUSEWAY_TEST_AGENT_SHADOW"
)

// TestAgentProcess is not a test: it is the agent child process of the
// namespace tests, run when envAgent is set. It serves until its stdin
// closes (the parent went away) or it is signalled.
func TestAgentProcess(t *testing.T) {
	if os.Getenv(envAgent) != "1" {
		t.Skip("agent child process mode only")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	err := Run(ctx, Config{
		Listen: os.Getenv(envListen), KeyFile: os.Getenv(envKey),
		Host:  host.Config{VaultDir: os.Getenv(envVault), ShadowPath: os.Getenv(envShadow)},
		Ready: func(a net.Addr) { fmt.Printf("agent-ready %s\n", a) },
	})
	if err != nil {
		t.Fatal(err)
	}
}

var labSeq atomic.Int32

// lab is the two namespaces, the agent in A and the files it works on.
type lab struct {
	t      *testing.T
	nsA    string // /run/netns/NAME
	nsB    string
	nameA  string
	key    []byte
	client *Client
	vault  string
	shadow string
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// newLab builds the namespaces and starts the agent, or skips the test
// when this machine cannot (not root, no ip command, no netns support).
func newLab(t *testing.T) *lab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: the namespace tests need root (ip netns, veth, nftables)")
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("skipping: no ip command (iproute2) for network namespaces")
	}
	id := fmt.Sprintf("%d%03d", os.Getpid()%100000, labSeq.Add(1)%1000)
	l := &lab{t: t, nameA: "cwa-" + id}
	nameB := "cwb-" + id
	if out, err := exec.Command(ip, "netns", "add", l.nameA).CombinedOutput(); err != nil {
		t.Skipf("skipping: ip netns add failed: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(ip, "netns", "delete", l.nameA).Run() })
	run(t, ip, "netns", "add", nameB)
	t.Cleanup(func() { _ = exec.Command(ip, "netns", "delete", nameB).Run() })
	l.nsA, l.nsB = "/run/netns/"+l.nameA, "/run/netns/"+nameB
	vethA, vethB := "cwva"+id, "cwvb"+id
	// The pair is created inside the namespaces: the machine's own
	// network never sees it, and deleting a namespace deletes its end.
	run(t, ip, "link", "add", vethA, "netns", l.nameA, "type", "veth", "peer", "name", vethB, "netns", nameB)
	run(t, ip, "-n", l.nameA, "addr", "add", addrA+"/24", "dev", vethA)
	run(t, ip, "-n", nameB, "addr", "add", addrMgmt+"/24", "dev", vethB)
	run(t, ip, "-n", nameB, "addr", "add", addrOther+"/24", "dev", vethB)
	for _, x := range [][]string{{l.nameA, vethA}, {l.nameA, "lo"}, {nameB, vethB}, {nameB, "lo"}} {
		run(t, ip, "-n", x[0], "link", "set", x[1], "up")
	}
	l.startAgent(ip)
	return l
}

func (l *lab) startAgent(ip string) {
	t := l.t
	dir := t.TempDir()
	l.key = []byte(strings.Repeat("5e", 32))
	keyFile := filepath.Join(dir, "agent.key")
	if err := os.WriteFile(keyFile, l.key, 0o600); err != nil {
		t.Fatal(err)
	}
	l.vault = filepath.Join(dir, "vault")
	l.shadow = filepath.Join(dir, "shadow")
	if err := os.WriteFile(l.shadow, []byte("mallory:$6$s$h:19500:0:99999:7:::\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ip, "netns", "exec", l.nameA, exe, "-test.run=^TestAgentProcess$")
	cmd.Env = append(os.Environ(), envAgent+"=1", envListen+"="+net.JoinHostPort(addrA, agentPort),
		envKey+"="+keyFile, envVault+"="+l.vault, envShadow+"="+l.shadow)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "agent-ready "); ok {
				ready <- a
			}
		}
		close(ready)
	}()
	select {
	case a, ok := <-ready:
		if !ok {
			t.Fatal("agent process ended before listening")
		}
		t.Logf("agent listening on %s in %s", a, l.nameA)
	case <-time.After(30 * time.Second):
		t.Fatal("agent process did not start listening")
	}
	// The engine side: every connection to the agent is a new one from
	// the management address in B, so that isolation is tested on new
	// connections, not only on one kept alive.
	tr := &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return l.dial(l.nsB, addrMgmt, addr, 5*time.Second)
		}}
	l.client, err = NewClient(ClientConfig{URL: "http://" + net.JoinHostPort(addrA, agentPort), Key: l.key},
		ClientDeps{HTTP: &http.Client{Transport: tr, Timeout: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
}

// inNS runs f on an OS thread switched into the namespace at path.
// Sockets f opens stay in that namespace. The thread runs in its own
// goroutine: if it cannot be switched back it is thrown away with it.
func inNS(path string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := netns.GetFromPath(path)
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := netns.Set(target); err != nil {
			errc <- err
			return
		}
		ferr := f()
		if err := netns.Set(orig); err != nil {
			errc <- fmt.Errorf("returning to the original namespace: %w", err)
			return // the thread stays locked and dies with the goroutine
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// dial opens a TCP connection from src (an address of the namespace ns).
func (l *lab) dial(ns, src, dst string, timeout time.Duration) (net.Conn, error) {
	var c net.Conn
	err := inNS(ns, func() error {
		d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
		var err error
		c, err = d.Dial("tcp", dst)
		return err
	})
	return c, err
}

// serve starts a TCP service in ns that answers "hello" to every
// connection.
func (l *lab) serve(ns, addr string) {
	var ln net.Listener
	if err := inNS(ns, func() error {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("hello\n"))
			c.Close()
		}
	}()
}

// reach reports whether a connection from src in ns to dst gets the
// service's greeting within a short time.
func (l *lab) reach(ns, src, dst string) bool {
	c, err := l.dial(ns, src, dst, 700*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(700 * time.Millisecond))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && line == "hello\n"
}

// connects reports whether a TCP connection from src in ns to dst is
// established within a short time.
func (l *lab) connects(ns, src, dst string) bool {
	c, err := l.dial(ns, src, dst, 700*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// echo starts a TCP service in ns that sends back every line it reads,
// for connections held open across a change.
func (l *lab) echo(ns, addr string) {
	var ln net.Listener
	if err := inNS(ns, func() error {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
}

// roundTrip writes a line on an open connection and reports whether it
// comes back within a short time.
func roundTrip(c net.Conn, line string) bool {
	_ = c.SetDeadline(time.Now().Add(700 * time.Millisecond))
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return false
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && got == line+"\n"
}
