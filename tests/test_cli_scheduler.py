"""``projsim run --draws N --scheduler ADDRESS``: the workers of a scheduler started
apart, the same file as a local run; its errors, one line each."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from projsim.cli import EXIT_INPUT, EXIT_OK, main

ADDRESS_MESSAGE = (
    "expected a scheduler's address, tcp://HOST:PORT or tls://HOST:PORT. Fix: give the "
    "address the scheduler printed when it started ('Scheduler at: tcp://...').\n")


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("address", ["localhost:8786", "tcp://localhost", "http://host:8786",
                                     "tcp://:8786", "tcp://host:port", "tcp://host:70000",
                                     "tcp://host:8786/path"])
def test_a_malformed_scheduler_address_is_refused(capsys, address):
    assert main(["run", "--draws", "64", "--scheduler", address]) == EXIT_INPUT
    assert capsys.readouterr() == (
        "", f"error: option --scheduler: got {address!r}; {ADDRESS_MESSAGE}")


def test_scheduler_needs_draws_and_excludes_workers(capsys):
    assert main(["run", "--scheduler", "tcp://127.0.0.1:8786"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --scheduler: got '--scheduler tcp://127.0.0.1:8786' without --draws; "
        "expected --draws N with this option, which only a stochastic run takes. Fix: add "
        "--draws N, or drop --scheduler.\n")
    assert main(["run", "--draws", "64", "--workers", "2",
                 "--scheduler", "tcp://127.0.0.1:8786"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --scheduler: got --scheduler with --workers; expected one of them: the "
        "workers of a running scheduler, or a local cluster. Fix: drop --workers: start the "
        "workers with 'dask worker ADDRESS'.\n")


def test_an_unreachable_scheduler_is_one_line(capsys, tmp_path):
    pytest.importorskip("distributed")
    import dask

    address = f"tcp://127.0.0.1:{free_port()}"
    output = tmp_path / "out.nc"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert main(["run", "--draws", "64", "--scheduler", address,
                     "-o", str(output)]) == EXIT_INPUT
    assert capsys.readouterr() == ("", (
        f"error: option --scheduler: got {address}, where no scheduler answered within 1s; "
        "expected a running dask scheduler at this address. Fix: start one ('dask "
        "scheduler') and its workers ('dask worker ADDRESS'), or check the address and the "
        "firewall.\n"))
    assert not output.exists()


def test_tls_without_certificates_is_one_line(capsys):
    pytest.importorskip("distributed")
    assert main(["run", "--draws", "64", "--scheduler", "tls://127.0.0.1:8786"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --scheduler: got tls://127.0.0.1:8786 without TLS certificates; expected "
        "dask's TLS settings for a tls:// scheduler. Fix: set distributed.comm.tls.ca-file, "
        ".client.cert and .client.key in a dask configuration file, or the variables "
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY.\n")


def test_a_missing_dask_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask", None)
    assert main(["run", "--draws", "64", "--scheduler", "tcp://127.0.0.1:8786"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: --scheduler (a dask scheduler) needs dask.distributed, which is not installed. "
        "Fix: pip install 'projsim[distributed]'.\n")


def start_cluster(folder: Path, tls: bool = False):
    """Start a dask scheduler and two single-threaded workers on 127.0.0.1, each its
    own process, as a user would (``dask scheduler``, ``dask worker``); yield the
    scheduler's address. With ``tls``, they talk over TLS with a certificate made
    for the test, whose files are in ``folder``."""
    from distributed import Client
    from distributed.security import Security

    file = folder / "scheduler.json"
    environment = dict(os.environ, NUMBA_NUM_THREADS="1",
                       PYTHONPATH=os.pathsep.join(filter(None, [
                           str(Path(__file__).resolve().parents[1] / "src"),
                           os.environ.get("PYTHONPATH")])))
    options, security = [], None
    if tls:
        made = Security.temporary()
        pem = folder / "cluster.pem"
        key = folder / "cluster.key"
        pem.write_text(made.tls_ca_file)
        key.write_text(made.tls_client_key)
        options = ["--tls-ca-file", str(pem), "--tls-cert", str(pem), "--tls-key", str(key)]
        security = Security(tls_ca_file=str(pem), tls_client_cert=str(pem),
                            tls_client_key=str(key), require_encryption=True)
    started = []

    def start(*argv):
        started.append(subprocess.Popen([sys.executable, "-m", *argv, *options],
                                        env=environment, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))

    try:
        start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
              "--no-dashboard", "--scheduler-file", str(file),
              *(["--protocol", "tls"] if tls else []))
        deadline = time.monotonic() + 120
        while not file.exists() or not file.read_text().strip():
            assert time.monotonic() < deadline, "the scheduler did not start"
            assert started[0].poll() is None, "the scheduler stopped"
            time.sleep(0.2)
        for _ in range(2):
            start("distributed.cli.dask_worker", "--scheduler-file", str(file), "--nthreads",
                  "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1")
        with Client(scheduler_file=str(file), timeout="120s", security=security) as client:
            client.wait_for_workers(2, timeout=120)
            address = client.scheduler.address
        yield address, options
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def scheduler(tmp_path):
    """The address of a scheduler with two workers, started apart (:func:`start_cluster`)."""
    pytest.importorskip("distributed")
    for address, _ in start_cluster(tmp_path):
        yield address


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning",
                            "ignore::UserWarning")
@pytest.mark.parametrize("options", [["--draws", "192", "--chunk", "64"],
                                     ["--draws", "128", "--chunk", "64", "--keep", "draws"]])
def test_a_scheduler_started_apart_writes_the_file_of_a_local_run(scheduler, tmp_path, capsys,
                                                                  options):
    """Byte for byte: the file written through the scheduler's two workers and the one
    written by this process alone."""
    remote, local = tmp_path / "remote.nc", tmp_path / "local.nc"
    assert main(["run", *options, "--scheduler", scheduler, "-o", str(remote)]) == EXIT_OK
    printed = capsys.readouterr().out
    assert main(["run", *options, "-o", str(local)]) == EXIT_OK
    assert capsys.readouterr().out == printed.replace(str(remote), str(local))
    assert remote.read_bytes() == local.read_bytes()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning",
                            "ignore::UserWarning")
def test_a_tls_scheduler_with_dask_tls_settings_writes_the_file_of_a_local_run(tmp_path,
                                                                               capsys):
    """tls://, its certificates given the way dask's own tools take them: dask's
    configuration (here set in process; a file or DASK_ variables alike)."""
    pytest.importorskip("cryptography")
    import dask

    remote, local = tmp_path / "remote.nc", tmp_path / "local.nc"
    options = ["--draws", "128", "--chunk", "64"]
    for address, tls in start_cluster(tmp_path, tls=True):
        assert address.startswith("tls://127.0.0.1:")
        files = dict(zip(tls[::2], tls[1::2]))
        settings = {"distributed.comm.tls.ca-file": files["--tls-ca-file"],
                    "distributed.comm.tls.client.cert": files["--tls-cert"],
                    "distributed.comm.tls.client.key": files["--tls-key"]}
        with dask.config.set(settings):
            assert main(["run", *options, "--scheduler", address, "-o", str(remote)]) == EXIT_OK
        plain = address.replace("tls://", "tcp://")
        with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
            assert main(["run", *options, "--scheduler", plain]) == EXIT_INPUT
    capsys.readouterr()
    assert main(["run", *options, "-o", str(local)]) == EXIT_OK
    assert remote.read_bytes() == local.read_bytes()
