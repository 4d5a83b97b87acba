#!/usr/bin/env python3
# How often a real redis-server replica sends REPLCONF ACK, written to and idle (README, "Replicas
# acknowledge once a second"). Usage: bench/replica-ack-rate.py (redis-server on PATH).
# A fake master: full-syncs one redis-server replica with an empty RDB, then streams SETs
# (phase 1: writes for 5 s, phase 2: idle 5 s) and counts the REPLCONF ACKs the replica sends.
import socket, subprocess, sys, time, os, tempfile
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); ls.bind(("127.0.0.1", 0)); ls.listen(1)
mport = ls.getsockname()[1]
d = tempfile.mkdtemp()
rport = 30000 + os.getpid() % 20000
proc = subprocess.Popen(["redis-server", "--port", str(rport), "--save", "", "--dir", d, "--replicaof", "127.0.0.1", str(mport)],
                        stdout=subprocess.DEVNULL)
c, _ = ls.accept(); c.settimeout(5)
buf = b""
def recv_cmd():
    global buf
    while b"\r\n" not in buf: buf += c.recv(65536)
    if buf.startswith(b"*"):
        n = int(buf[1:buf.index(b"\r\n")]); parts = []; p = buf.index(b"\r\n") + 2
        for _ in range(n):
            while buf.count(b"\r\n", p) < 2: buf += c.recv(65536)
            l = int(buf[p+1:buf.index(b"\r\n", p)]); p = buf.index(b"\r\n", p) + 2
            while len(buf) < p + l + 2: buf += c.recv(65536)
            parts.append(buf[p:p+l]); p += l + 2
        buf = buf[p:]; return parts
    line = buf[:buf.index(b"\r\n")]; buf = buf[buf.index(b"\r\n")+2:]; return line.split()
while True:
    cmd = recv_cmd()
    if cmd[0].upper() == b"PING": c.sendall(b"+PONG\r\n")
    elif cmd[0].upper() == b"REPLCONF": c.sendall(b"+OK\r\n")
    elif cmd[0].upper() == b"PSYNC":
        rdb = b"REDIS0009\xff" + b"\0" * 8
        c.sendall(b"+FULLRESYNC " + b"a" * 40 + b" 0\r\n$" + str(len(rdb)).encode() + b"\r\n" + rdb); break
c.setblocking(False)
acks = []
set_cmd = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
def drain():
    global buf
    try:
        while True:
            data = c.recv(65536)
            if not data: break
            buf += data
    except BlockingIOError: pass
    while buf.count(b"\r\n") >= 7 and buf.startswith(b"*3"):
        parts = recv_cmd()
        if parts[0].upper() == b"REPLCONF" and parts[1].upper() == b"ACK": acks.append(time.time())
start = time.time()
while time.time() - start < 5:
    c.sendall(set_cmd * 10); time.sleep(0.01); drain()   # ~1000 writes/s in batches of 10
mid = time.time()
while time.time() - mid < 5:
    time.sleep(0.01); drain()
w = sum(1 for t in acks if t < mid); i = len(acks) - w
print(f"redis-server {subprocess.run(['redis-server','--version'],capture_output=True,text=True).stdout.split()[2]}: ACKs per second while written {w/5:.1f}, idle {i/5:.1f}")
proc.terminate(); proc.wait()
import shutil; shutil.rmtree(d, ignore_errors=True)
