#!/usr/bin/python3
"""A local SMTP server for zicha's mail tests (aiosmtpd, Debian python3-aiosmtpd).

Listens on 127.0.0.1 on a free port, writes the port to --port-file once it accepts connections,
saves every accepted message as DIR/NNN.eml with DIR/NNN.json (envelope), and exits by itself
after --lifetime seconds so that a test that died never leaves it running.

Failure modes for the tests:
  --fail-data-once        answer the first message's final "." with 451, later ones with 250
  --drop-after-data RCPT  for a message to RCPT: save it, then close the connection with no reply
  --hang-after-data RCPT  for a message to RCPT: save it, then never answer (until the server ends)
  --reject-rcpt RCPT      answer RCPT TO:<RCPT> with 550 5.1.1 (or the reply --rcpt-reply gives); * for every address
  --mail-reply REPLY      answer every MAIL FROM with REPLY (e.g. "451 4.7.1 rate limited")
  --greet-421             greet every connection with 421 and close it
  --auth-fail             answer every AUTH with 535
  --no-auth               offer no AUTH at all (a plain server otherwise offers one that always fails)

Every connection adds a line to DIR/connections.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0
        self.failed_once = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reject = self.args.reject_rcpt
        if reject and (reject == "*" or address.lower() == reject.lower()):
            return self.args.rcpt_reply or "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.args.mail_reply:
            return self.args.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.fail_data_once and not self.failed_once:
            self.failed_once = True
            return "451 4.3.0 Temporary failure, try again later"
        self.count += 1
        base = os.path.join(self.args.dir, "%03d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "auth": session.authenticated}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        drop = self.args.drop_after_data
        if drop and any(r.lower() == drop.lower() for r in envelope.rcpt_tos):
            server.transport.abort()
            return "250 never seen"
        hang = self.args.hang_after_data
        if hang and any(r.lower() == hang.lower() for r in envelope.rcpt_tos):
            await asyncio.sleep(3600)
        return "250 2.0.0 OK queued"


class Authenticator:
    def __init__(self, args):
        self.args = args

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if self.args.auth_fail or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = (auth_data.login.decode() == self.args.user and auth_data.password.decode() == self.args.password)
        return AuthResult(success=ok, handled=False)


async def main(args):
    loop = asyncio.get_running_loop()
    handler = Handler(args)
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    auth = args.user is not None

    class Refuse(asyncio.Protocol):
        """A server that will not take mail now: 421 at the greeting, then hangs up."""
        def connection_made(self, transport):
            transport.write(b"421 4.3.2 Service not available, closing transmission channel\r\n")
            transport.close()

    def factory():
        with open(os.path.join(args.dir, "connections"), "a") as f:
            f.write("1\n")
        if args.greet_421:
            return Refuse()
        return SMTP(handler, hostname="localhost", tls_context=context, require_starttls=context is not None,
                    auth_required=auth, auth_require_tls=context is not None or args.no_auth,
                    authenticator=Authenticator(args) if auth else None, loop=loop, timeout=30)

    server = await loop.create_server(factory, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(args.port_file + ".tmp", args.port_file)
    await asyncio.sleep(args.lifetime)
    server.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--lifetime", type=float, default=120)
    p.add_argument("--fail-data-once", action="store_true")
    p.add_argument("--drop-after-data")
    p.add_argument("--hang-after-data")
    p.add_argument("--reject-rcpt")
    p.add_argument("--rcpt-reply")
    p.add_argument("--mail-reply")
    p.add_argument("--greet-421", action="store_true")
    p.add_argument("--auth-fail", action="store_true")
    p.add_argument("--no-auth", action="store_true")
    a = p.parse_args()
    # A parent (Swift's Foundation.Process) may have started us with signals blocked: unblock them,
    # so that SIGTERM from the test's teardown ends the server.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.makedirs(a.dir, exist_ok=True)
    try:
        asyncio.run(main(a))
    except KeyboardInterrupt:
        sys.exit(0)
