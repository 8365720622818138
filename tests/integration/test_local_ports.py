"""The local hub's port check (`Ports.resolved`): a port something listens on is busy; a stopped hub's is not.

Real loopback sockets (hence this wall, not tests/unit), each on a port the system picks.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from local.hub import HOST, PortBusy, Ports, _claim
from tests.builders import plain_bind_error


@contextmanager
def listening(*, reuse_address: bool = True) -> Iterator[socket.socket]:
    """A listening socket on a free port; with SO_REUSEADDR by default, as uvicorn and werkzeug listen."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        if reuse_address:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 0))
        listener.listen()
        yield listener


def port_left_in_time_wait() -> int:
    """A port a server listened on and closed, whose connection the server closed first: it sits in TIME_WAIT.

    That is what a stopped hub leaves behind (its servers close the keep-alive connections on shutdown).
    """
    with listening() as listener:
        port: int = listener.getsockname()[1]
        with socket.create_connection((HOST, port), timeout=5) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the server side closes first ...
            assert client.recv(1) == b""  # ... the client sees its FIN ...
        # ... and closes too: the server's end of the connection now waits in TIME_WAIT for a minute
    return port


def test_a_port_left_in_time_wait_by_a_stopped_server_can_be_claimed_at_once() -> None:
    port = port_left_in_time_wait()
    assert (
        plain_bind_error(HOST, port) == errno.EADDRINUSE
    )  # the lingering connection is there: a plain bind trips over it

    assert _claim("api", port) == port


def test_a_port_something_listens_on_is_busy_and_named() -> None:
    for reuse_address in (True, False):
        with listening(reuse_address=reuse_address) as listener:
            port = listener.getsockname()[1]
            with pytest.raises(PortBusy, match=rf"Port {port} \(meta\) on {HOST} is already in use"):
                Ports(api=0, aws=0, meta=port, getchat=0, stripe=0).resolved()


def test_port_zero_resolves_to_free_ports() -> None:
    ports = Ports(api=0, aws=0, meta=0, getchat=0, stripe=0).resolved()

    assert all(port > 0 for port in vars(ports).values())
    for port in vars(ports).values():
        assert plain_bind_error(HOST, port) is None
