// Command proxy-filter times the RDB filter pass of the Go resharding proxy that redis-replica grew
// from (github.com/mantyr/redis-replica, a fork of smira/redis-resharding-proxy), the way the proxy
// runs it: its rdb.FilterRDB reading through a 16 KB bufio.Reader, the kept chunks sent over a
// channel of 100 to a writer goroutine with a 16 KB bufio.Writer (the proxy's bufSize and
// channelBuffer), one regular expression deciding each key. The proxy writes to its replica's
// socket; this writes to a file, as `rdb split` does. Built by bench/rdb-split-start.sh in GOPATH
// mode against a checkout of the proxy given in PROXY_SRC: its code is not part of this repository.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/mantyr/redis-replica/rdb"
)

func main() {
	pattern := flag.String("regex", ".", "keep the keys this matches (the proxy's -regexp)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: proxy-filter [-regex RE] IN.rdb OUT.rdb")
		os.Exit(2)
	}
	start := time.Now()
	keys := regexp.MustCompile(*pattern)
	in, err := os.Open(flag.Arg(0))
	check(err)
	info, err := in.Stat()
	check(err)
	out, err := os.Create(flag.Arg(1))
	check(err)
	chunks := make(chan []byte, 100)
	written := make(chan error)
	go func() {
		w := bufio.NewWriterSize(out, 16384)
		var werr error
		for data := range chunks {
			if data != nil && werr == nil {
				_, werr = w.Write(data)
			}
		}
		if werr == nil {
			werr = w.Flush()
		}
		written <- werr
	}()
	err = rdb.FilterRDB(bufio.NewReaderSize(in, 16384), chunks,
		func(key string) bool { return keys.FindStringIndex(key) != nil }, info.Size())
	close(chunks)
	check(err)
	check(<-written)
	check(out.Close())
	secs := time.Since(start).Seconds()
	fmt.Printf("proxy filter pass: %.3f s (%.1f MB/s)\n", secs, float64(info.Size())/secs/1e6)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy-filter:", err)
		os.Exit(1)
	}
}
