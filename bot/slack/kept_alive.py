"""Web API calls over kept-alive connections: one per thread and host, reused while the server keeps it open.

slack_sdk's WebClient (and WebhookClient, for response_url posts) calls `urllib.request.urlopen`, which
opens a new connection for every call — on slack.com a TCP and a TLS handshake per answer, which the
candidate waits for. `install()` makes urlopen's process-wide opener reuse connections
instead; the clients are unchanged, and so are their retry handlers, which see the same errors as before.
"""

from __future__ import annotations

import http.client
import selectors
import threading
import urllib.request
from collections.abc import Callable
from urllib.error import URLError

Connect = Callable[[str, float | None], http.client.HTTPConnection]


class _Kept:
    """A connection and the response last read from it."""

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        self.connection = connection
        self.response: http.client.HTTPResponse | None = None

    def reusable(self) -> bool:
        """Only a connection whose last answer was read to the end, and which the server hasn't closed
        meanwhile (an idle connection with something to read is one the server closed), is reused: a
        request must never be sent on a connection known to be gone, since a post is not safe to repeat."""
        if self.response is None or not self.response.isclosed() or self.connection.sock is None:
            return False
        # A selector, not select(): a busy process's sockets can be numbered past select()'s 1024.
        with selectors.DefaultSelector() as selector:
            selector.register(self.connection.sock, selectors.EVENT_READ)
            return not selector.select(timeout=0)


class KeepAliveHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Opens http:// and https:// URLs over this thread's kept connection to the host, if it still serves."""

    def __init__(self) -> None:
        urllib.request.HTTPHandler.__init__(self)
        urllib.request.HTTPSHandler.__init__(self)
        self._local = threading.local()

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self._open(req, lambda host, timeout: http.client.HTTPConnection(host, timeout=timeout))

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        if getattr(req, "_tunnel_host", None):  # through a proxy's CONNECT tunnel (HTTPS_PROXY): urllib's way
            return super().https_open(req)
        # No context of our own: http.client's default one verifies certificates and host names.
        return self._open(req, lambda host, timeout: http.client.HTTPSConnection(host, timeout=timeout))

    def _open(self, req: urllib.request.Request, connect: Connect) -> http.client.HTTPResponse:
        if not req.host:
            raise URLError("no host given")
        kept: dict[tuple[str, str], _Kept] = self._local.__dict__.setdefault("kept", {})
        key = (req.type, req.host)
        held = kept.pop(key, None)
        if held is None or not held.reusable():
            if held is not None:
                held.connection.close()
            held = _Kept(connect(req.host, req.timeout))
        headers = {name.title(): value for name, value in req.header_items()}
        try:
            held.connection.request(req.get_method(), req.selector, req.data, headers)
            response = held.connection.getresponse()
        except OSError as err:
            held.connection.close()
            raise URLError(err) from err
        except http.client.HTTPException:
            held.connection.close()
            raise
        # What urllib's own handler sets, for the processors and callers that read them.
        response.url = req.get_full_url()
        response.msg = response.reason  # type: ignore[assignment]
        if not response.will_close:
            held.response = response
            kept[key] = held
        return response


def install() -> None:
    """Make every urlopen without its own SSL context in this process keep its connections."""
    urllib.request.install_opener(urllib.request.build_opener(KeepAliveHandler()))
