#!/usr/bin/python3
"""Real application peers for the announced-port captures (make_captures.sh).

Runs with Debian's python3 (not a virtualenv): it needs Debian's
python3-pyftpdlib (a real FTP server) and python3-impacket (a real DCE/RPC
endpoint-mapper client). The servers and clients speak their protocols
unmodified; the only thing chosen here is which data port each transfer
uses, so that the firewall rule in the recipe hits exactly one of them.

  app_peers.py ftp-server HOST PORT DIR --passive-ports P1,P2,... [--seconds S]
  app_peers.py ftp-client HOST PORT --steps pasv,pasv,port:50002,...  (IPv6: EPSV, EPRT)
  app_peers.py epm-client HOST [--lookup] [--timeout S]
"""
import argparse
import ftplib
import socket
import sys
import time


def log(*words):
    print("app_peers:", *words, file=sys.stderr, flush=True)


def ftp_server(args):
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import ActiveDTP, FTPHandler
    from pyftpdlib.servers import FTPServer

    ports = [int(p) for p in args.passive_ports.split(",")]

    class OneAtATime(FTPHandler):
        """Hands out the configured passive ports in order, one per transfer."""
        def _next_passive(self):
            self.passive_ports = [ports.pop(0)] if ports else None

        def ftp_PASV(self, line):
            self._next_passive()
            return super().ftp_PASV(line)

        def ftp_EPSV(self, line):
            self._next_passive()
            return super().ftp_EPSV(line)

    from pyftpdlib.log import config_logging
    import logging
    config_logging(level=logging.WARNING)    # not a banner per poll
    ActiveDTP.timeout = args.connect_timeout   # how long the server tries to connect back (PORT/EPRT)
    authorizer = DummyAuthorizer()
    authorizer.add_anonymous(args.dir)
    OneAtATime.authorizer = authorizer
    OneAtATime.timeout = args.seconds
    server = FTPServer((args.host, args.port), OneAtATime)
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        server.serve_forever(timeout=0.2, blocking=False)
    server.close_all()


class ChosenPortFTP(ftplib.FTP):
    """ftplib's active mode, listening on a chosen data port."""
    active_port = 0

    def makeport(self):
        sock = socket.create_server(("", self.active_port), family=self.af, backlog=1)
        host = self.sock.getsockname()[0]
        port = sock.getsockname()[1]
        if self.af == socket.AF_INET:
            self.sendport(host, port)
        else:
            self.sendeprt(host, port)
        if self.timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(self.timeout)
        return sock


def ftp_client(args):
    ftp = ChosenPortFTP(timeout=args.timeout)
    ftp.connect(args.host, args.port)
    ftp.login()
    for step in args.steps.split(","):
        mode, _, port = step.partition(":")
        ftp.set_pasv(mode == "pasv")   # over IPv6 ftplib sends EPSV / EPRT
        ftp.active_port = int(port or 0)
        try:
            lines = []
            ftp.retrlines("LIST", lines.append)
            log(step, "ok:", len(lines), "lines")
        except (OSError, ftplib.Error) as e:
            log(step, "failed:", e)   # nothing is pending on the control connection: go on
    try:
        ftp.quit()
    except (OSError, ftplib.Error, EOFError):
        ftp.close()


def epm_client(args):
    """Asks the endpoint mapper for LSARPC over ncacn_ip_tcp, then connects
    to the port it hands out and binds, as a Windows client does."""
    from impacket.dcerpc.v5 import epm, lsat, transport
    if args.lookup:
        # the whole endpoint list (ept_lookup, as rpcdump does), then the
        # LSARPC entry over TCP from it
        # ept_lookup in batches of 10, as many as it takes (Samba refuses
        # impacket's hept_lookup: it asks for 500 at once)
        from impacket.dcerpc.v5.rpcrt import DCERPCException
        dce = transport.DCERPCTransportFactory("ncacn_ip_tcp:%s[135]" % args.host).get_dce_rpc()
        dce.connect()
        dce.bind(epm.MSRPC_UUID_PORTMAP)
        handle = epm.ept_lookup_handle_t()
        binding = None
        while True:
            request = epm.ept_lookup()
            request["inquiry_type"] = epm.RPC_C_EP_ALL_ELTS
            request["object"] = epm.NULL
            request["Ifid"] = epm.NULL
            request["vers_option"] = epm.RPC_C_VERS_ALL
            request["entry_handle"] = handle
            request["max_ents"] = 10
            try:
                resp = dce.request(request)
            except DCERPCException:     # ept_s_not_registered: no more entries
                break
            for i in range(resp["num_ents"]):
                floors = epm.EPMTower(b"".join(resp["entries"][i]["tower"]["tower_octet_string"]))["Floors"]
                string = epm.PrintStringBinding(floors)
                iface = floors[0]["InterfaceUUID"]
                if string.startswith("ncacn_ip_tcp:") and iface == lsat.MSRPC_UUID_LSAT[:16]:
                    binding = string
            handle = resp["entry_handle"]
            if handle.isNull():
                break
        dce.disconnect()
        if binding is None:
            sys.exit("app_peers: no LSARPC endpoint over TCP in the lookup")
        binding = binding.replace("0.0.0.0", args.host)
    else:
        binding = epm.hept_map(args.host, lsat.MSRPC_UUID_LSAT, protocol="ncacn_ip_tcp")
    log("endpoint mapper says", binding)
    rpc = transport.DCERPCTransportFactory(binding)
    rpc.set_connect_timeout(args.timeout)
    dce = rpc.get_dce_rpc()
    try:
        dce.connect()
        dce.bind(lsat.MSRPC_UUID_LSAT)
        log("bound")
        dce.disconnect()
    except Exception as e:  # impacket wraps socket errors in its own types
        log("connect failed:", e)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ftp-server")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("dir")
    p.add_argument("--passive-ports", default="60001")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--connect-timeout", type=float, default=10)
    p = sub.add_parser("ftp-client")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--steps", required=True)
    p.add_argument("--timeout", type=float, default=10)
    p = sub.add_parser("epm-client")
    p.add_argument("host")
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--lookup", action="store_true", help="ept_lookup instead of ept_map")
    args = ap.parse_args()
    {"ftp-server": ftp_server, "ftp-client": ftp_client, "epm-client": epm_client}[args.cmd](args)


if __name__ == "__main__":
    main()
