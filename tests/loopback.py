"""Real bt.Axon servers on 127.0.0.1 for the generator's end-to-end tests."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bittensor as bt
from bittensor_wallet import Wallet


def make_wallets(path: Path, names: list[str]) -> list[Wallet]:
    out = []
    for name in names:
        wallet = Wallet(name=name, hotkey="default", path=str(path))
        wallet.create_if_non_existent(coldkey_use_password=False, hotkey_use_password=False, suppress=True)
        out.append(wallet)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_axon(wallet: Wallet, *forwards: Callable[..., Any]) -> bt.Axon:
    port = free_port()
    axon = bt.Axon(wallet=wallet, ip="127.0.0.1", port=port, external_ip="127.0.0.1")
    for forward in forwards:
        axon.attach(forward_fn=forward)
    axon.start()
    wait_listening(port)
    return axon


def wait_listening(port: int) -> None:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise TimeoutError(f"axon on {port} did not start")
