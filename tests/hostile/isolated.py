"""Run the ``projsim`` command line in isolated processes, cheaply.

:class:`Isolated` starts one Python process that imports projsim and loads
the embedded bases once, then forks a child for each command: the child
changes to the case's folder, sends its standard output and error to files,
limits its address space to 1 GiB more than the server's and its time to
:data:`TIME_LIMIT` seconds (SIGALRM ends it), runs :func:`projsim.cli.main`
as ``python -m projsim.cli`` would (an exception that escapes prints its
traceback and exits 1) and exits with its code. The server reports the exit
code or the signal, both outputs, the time taken and the peak memory the
child added. A crash, a hang or a blow-up in one case touches no other, and
a case costs its own work, not an interpreter start.

This file is also the server's program (``python isolated.py``): it reads one
JSON request a line on standard input and answers one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

#: The most seconds a case may take before it counts as a hang.
TIME_LIMIT = 10
#: The most memory a case may add to the server's [bytes].
MEMORY_LIMIT = 2**30


class Isolated:
    """A server of isolated ``projsim`` processes (see the module docstring)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONWARNINGS": "default"})
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def run(self, argv: list[str], cwd: Path) -> dict:
        """Run ``projsim ARGV`` in ``cwd``; returns code, signal, stdout, stderr,
        seconds and added_memory [bytes]."""
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd)}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def _serve() -> None:  # pragma: no cover - runs in the server process
    import resource
    import signal
    import tempfile
    import time
    import traceback

    from projsim import cli
    from projsim.io import load_base, load_scenario

    for name in ("fpb-2013", "nis-1988-zero-migration"):
        load_scenario(name)                 # the embedded bases, cached for every child
    load_base("belgium-2012")
    import projsim.plots  # noqa: F401
    import projsim.report  # noqa: F401

    def kilobytes(field: str) -> int:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field))

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        folder = tempfile.mkdtemp()
        out, err = Path(folder) / "out", Path(folder) / "err"
        resident = kilobytes("VmRSS:") * 1024
        limit = kilobytes("VmSize:") * 1024 + MEMORY_LIMIT
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.chdir(request["cwd"])
                for fd, path in ((1, out), (2, err)):
                    os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), fd)
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                signal.alarm(TIME_LIMIT)
                try:
                    code = cli.main(request["argv"])
                except SystemExit as stop:
                    code = stop.code if isinstance(stop.code, int) else (stop.code is not None)
                except BaseException:
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        answer = {
            "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "stdout": out.read_text(errors="replace"), "stderr": err.read_text(errors="replace"),
            "seconds": time.monotonic() - started,
            "added_memory": max(0, usage.ru_maxrss * 1024 - resident),
        }
        for path in (out, err):
            path.unlink()
        os.rmdir(folder)
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve()
