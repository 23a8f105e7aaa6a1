"""Benchmark: durable objection POSTs per second and p99, beside a bare FastAPI handler.

    .venv/bin/python benchmarks/portal_load.py [--duration 10] [--rounds 3]
        [--connections 16] [--postgres postgresql://postgres@127.0.0.1:5432/test]
        [--no-postgres] [--mail-dir DIR]

Starts on 127.0.0.1 a bare FastAPI app whose POST /api/v1/objections validates the same
JSON body and answers 202 with no database, and the real portal as ``optout serve`` runs it
(uvicorn[standard], one process, group commit, mail written as .eml files by the sender's
child process) on a fresh SQLite registry, later on a scratch PostgreSQL database. Neither
logs requests. wrk (Debian's) posts a unique address per request for ``--duration``
seconds, to the bare handler and the portal in turn, ``--rounds`` times, so that a drift of
the machine's speed touches both alike. Rate limits are off for the test (``--ip-limit 0
--address-limit 0``: every request comes from 127.0.0.1, and the per-IP limit would
otherwise refuse all but the first 20 a minute). The registry is on disk (the durability
under test); the .eml outbox, standing in for an SMTP relay, goes to /dev/shm unless
``--mail-dir`` says otherwise. Afterwards every accepted objection (202) must be in the
registry, the audit chain must verify, and each stored objection must have its email
queued; the server then runs until its outbox is delivered (``--drain``) and reports how
long that took. Target on SQLite: ≥ 60 % of the bare rate, p99 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
WRK_SCRIPT = r"""
local counter = 0
local id = 0
local threads = {}
function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end
function init(args)
  wrk.headers["Content-Type"] = "application/json"
  run = string.format("%d%d", os.time(), math.random(1000000))
end
function request()
  counter = counter + 1
  local body = string.format('{"email":"b%s-%d-%d@example.org","country":"DE"}',
                             run, tid, counter)
  return wrk.format("POST", "/api/v1/objections", nil, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"status_errors":%d,"timeouts":%d,'
    .. '"connect_errors":%d,"read_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.timeout,
    summary.errors.connect, summary.errors.read, latency:percentile(50),
    latency:percentile(99)))
end
"""
BARE_APP = r"""
import sys, uvicorn
from fastapi import FastAPI
from optout.portal.api import Accepted, ObjectionRequest
app = FastAPI()
@app.post("/api/v1/objections", status_code=202)
def create(body: ObjectionRequest) -> Accepted:
    return Accepted()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False)
"""
PORTAL_SERVE = ["-m", "optout.cli", "serve", "--ip-limit", "0", "--address-limit", "0",
                "--no-access-log", "--port"]  # fmt: skip


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(argv: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server (``argv`` ends with its port's place) and wait until it answers."""
    port = free_port()
    process = subprocess.Popen([sys.executable, *argv, str(port)], env=env, cwd=env["PWD"])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/openapi.json", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server on {url} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_wrk(url: str, script: Path, args: argparse.Namespace) -> dict[str, float]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "5s", "-s", str(script), url]  # fmt: skip
    load_before = os.getloadavg()[0]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    accepted = result["requests"] - result["status_errors"]
    result["accepted"] = accepted
    result["rate"] = accepted / (result["duration_us"] / 1e6)
    result["load_before"], result["load_after"] = load_before, os.getloadavg()[0]
    return result


def report(name: str, result: dict[str, float]) -> None:
    print(f"{name:>10}: {result['rate']:8.0f} accepted/s  p50 {result['p50_us'] / 1000:6.1f} ms"
          f"  p99 {result['p99_us'] / 1000:6.1f} ms  ({result['accepted']} accepted, "
          f"{result['status_errors']} non-2xx, {result['timeouts']} timeouts; load average "
          f"{result['load_before']:.1f} → {result['load_after']:.1f})", flush=True)


def registry_state(url: str) -> dict[str, object]:
    """Objections stored, emails queued and sent, and whether the audit chain verifies."""
    from optout.registry import open_registry, verify_chain
    from optout.registry.outbox import mail_counts

    with open_registry(url) as registry, registry.read_session() as session:
        stored = session.execute(sa.text("SELECT count(*) FROM objections")).scalar_one()
        mails = mail_counts(session)
        chain = verify_chain(session)
    return {"stored": stored, "mails": mails, "chain_ok": chain.ok, "audit_entries": chain.entries}


def drain(db_url: str, timeout: float) -> float | None:
    """Seconds until no email is pending (None: still pending after ``timeout``)."""
    from optout.registry import open_registry
    from optout.registry.outbox import mail_counts

    began = time.monotonic()
    with open_registry(db_url) as registry:
        while time.monotonic() - began < timeout:
            with registry.read_session() as session:
                if mail_counts(session)["pending"] == 0:
                    return time.monotonic() - began
            time.sleep(0.25)
    return None


def scratch_postgres(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"optout_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@dataclass
class Target:
    """A server under test, and what wrk measured of it in each round."""

    name: str
    url: str
    database_url: str | None = None  # None: the bare handler
    rounds: list[dict[str, float]] = field(default_factory=list)

    def total(self) -> dict[str, float]:
        """All rounds together: accepted per second over their time, the worst round's p99."""
        accepted = sum(r["accepted"] for r in self.rounds)
        seconds = sum(r["duration_us"] for r in self.rounds) / 1e6
        return {"accepted": accepted, "rate": accepted / seconds,
                "p50_us": statistics.median(r["p50_us"] for r in self.rounds),
                "p99_us": max(r["p99_us"] for r in self.rounds),
                "status_errors": sum(r["status_errors"] for r in self.rounds),
                "timeouts": sum(r["timeouts"] for r in self.rounds),
                "load_before": self.rounds[0]["load_before"],
                "load_after": self.rounds[-1]["load_after"]}  # fmt: skip


def start_portal(name: str, db_url: str, work: Path, mail: Path, stack: ExitStack) -> Target:
    """``optout serve`` on ``db_url``, its mail written as .eml files under ``mail``."""
    env = {**os.environ, "PWD": str(work), "OPTOUT_DATABASE_URL": db_url,
           "OPTOUT_MAIL_OUTBOX": str(mail / f"outbox-{name}"),
           "OPTOUT_SECRET_KEY": "benchmark-secret-0123456789"}  # fmt: skip
    env.pop("OPTOUT_SMTP_URL", None)
    process, url = start(PORTAL_SERVE, env)
    stack.callback(stop, process)
    return Target(name, url, db_url)


def check(target: Target, bare_rate: float, args: argparse.Namespace) -> dict[str, object]:
    """Every accepted objection stored, each with its email, the chain intact; then the
    outbox drained (the server still runs)."""
    total = target.total()
    assert target.database_url is not None
    state = registry_state(target.database_url)
    drained = drain(target.database_url, args.drain)
    stored, queued = state["stored"], sum(state["mails"].values())  # type: ignore[attr-defined]
    ok = stored >= total["accepted"] and queued == stored and state["chain_ok"]
    print(f"{'':>10}  {stored} objections stored for {total['accepted']} accepted, {queued} "
          f"emails queued, audit chain {'verifies' if state['chain_ok'] else 'BROKEN'} "
          f"({state['audit_entries']} entries): "
          f"{'every accepted objection is there' if ok else 'MISSING OBJECTIONS OR MAIL'}; "
          f"{total['rate'] / bare_rate:.0%} of the bare handler's rate; outbox "
          + (f"delivered {drained:.1f} s after the run" if drained is not None
             else f"NOT delivered within {args.drain:.0f} s"), flush=True)  # fmt: skip
    return {**total, **state, "all_stored": ok, "ratio": total["rate"] / bare_rate,
            "drain_s": drained, "rounds": target.rounds}  # fmt: skip


def run_rounds(bare: Target, portal: Target, script: Path, args: argparse.Namespace) -> Target:
    """wrk against the bare handler and the portal in turn, ``--rounds`` times: a drift of
    the machine's speed during the run touches both alike. The bare handler's rounds of
    this pairing (its own Target) are the portal's yardstick."""
    yardstick = Target(bare.name, bare.url)
    for number in range(1, args.rounds + 1):
        for target in (yardstick, portal):
            target.rounds.append(run_wrk(target.url, script, args))
            report(f"{target.name} {number}", target.rounds[-1])
    for target in (yardstick, portal):
        report(f"{target.name} all", target.total())
    return yardstick


def mail_directory(choice: str | None, work: Path, stack: ExitStack) -> Path:
    """Where the .eml outbox goes: ``--mail-dir``, else a fresh folder in /dev/shm (the
    outbox stands in for an SMTP relay; on a disk, ext4's inode allocator can cost the
    sender more CPU than the whole objection, depending on the file system's history),
    else the work folder."""
    if choice is not None:
        return Path(choice)
    if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK):
        folder = tempfile.TemporaryDirectory(prefix="optout-load-mail-", dir="/dev/shm")
        return Path(stack.enter_context(folder))
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each server is measured, in turn with the others")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--drain", type=float, default=60.0,
                        help="seconds to wait for the outbox to be delivered after a run")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--mail-dir", help="where the portal writes its .eml files "
                        "(default: a folder in /dev/shm, else the work folder)")
    args = parser.parse_args()
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="optout-load-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        mail = mail_directory(args.mail_dir, work, stack)
        print(f"registry under {work}, .eml outbox under {mail}", flush=True)
        script = work / "post.lua"
        script.write_text(WRK_SCRIPT)
        process, url = start(["-c", BARE_APP], {**os.environ, "PWD": str(work)})
        stack.callback(stop, process)
        bare = Target("bare", url)
        backends = [("sqlite", f"sqlite:///{work / 'registry.db'}")]
        if not args.no_postgres:  # last: PostgreSQL's background work follows its rounds
            db_url, drop = scratch_postgres(args.postgres)
            stack.callback(drop)
            backends.append(("postgres", db_url))
        results: dict[str, object] = {}
        for name, db_url in backends:
            with ExitStack() as serving:  # stopped before the next backend's rounds
                portal = start_portal(name, db_url, work, mail, serving)
                yardstick = run_rounds(bare, portal, script, args)
                bare_rate = yardstick.total()["rate"]
                results[f"bare_{name}"] = {**yardstick.total(), "rounds": yardstick.rounds}
                results[name] = check(portal, bare_rate, args)
    sqlite = results["sqlite"]
    met = sqlite["ratio"] >= 0.6 and sqlite["p99_us"] <= 200_000 and sqlite["all_stored"]
    verdict = "met" if met else "NOT met"
    print(f"target (SQLite ≥ 60 % of bare, p99 ≤ 200 ms, all stored): {verdict}")
    print(json.dumps(results, default=float))


if __name__ == "__main__":
    main()
