"""A Spark standalone cluster on 127.0.0.1 from the pip-installed pyspark (the equivalence tests).

pyspark's wheel ships `bin/spark-class` but not `sbin/start-master.sh`/`start-worker.sh`, so the
master and the workers are started directly as `spark-class org.apache.spark.deploy.master.Master`
and `... .worker.Worker`, each a child process of ours (spark-class execs the JVM, so the child's
pid is the JVM's) that we stop by pid. Everything they write (logs, the workers' scratch and
executor directories) goes under one directory the caller owns.

    with standalone_cluster(Path("/tmp/cluster"), workers=2) as master_url:
        ...  # REVOPS_SPARK_MASTER=master_url dbt build --target spark
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_for(log: Path, text: str, count: int, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Spark exited early ({process.returncode}); see {log}")
        if log.exists() and log.read_text(errors="replace").count(text) >= count:
            return
        time.sleep(0.25)
    raise TimeoutError(f"{text!r} did not appear {count} times in {log} within {timeout:.0f} s")


@contextlib.contextmanager
def standalone_cluster(
    directory: Path, *, workers: int = 2, cores: int = 1, memory: str = "1g", timeout: float = 90
) -> Iterator[str]:
    """Start one master and `workers` workers on 127.0.0.1; yield the master URL; stop them all."""
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    # pyspark's own folder, found without importing it (its import warns about pandas 3).
    spark_home = Path(importlib.util.find_spec("pyspark").origin).parent
    env = dict(
        os.environ,
        SPARK_HOME=str(spark_home),
        SPARK_LOCAL_IP=HOST,
        SPARK_LOG_DIR=str(directory / "logs"),
        SPARK_WORKER_DIR=str(directory / "work"),
        SPARK_LOCAL_DIRS=str(directory / "scratch"),
    )
    spark_class = str(spark_home / "bin" / "spark-class")
    port = _free_port()
    master_url = f"spark://{HOST}:{port}"
    processes: list[subprocess.Popen] = []
    handles = []
    try:
        master_log = directory / "master.log"
        handles.append(master_log.open("w"))
        master = subprocess.Popen(
            [
                *[spark_class, "org.apache.spark.deploy.master.Master", "--host", HOST, "--port", str(port)],
                *["--webui-port", str(_free_port())],
            ],
            env=env,
            stdout=handles[-1],
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        processes.append(master)
        _wait_for(master_log, "I have been elected leader", 1, timeout, master)
        for index in range(workers):
            log = directory / f"worker-{index}.log"
            handles.append(log.open("w"))
            processes.append(
                subprocess.Popen(
                    [
                        *[spark_class, "org.apache.spark.deploy.worker.Worker", "--host", HOST],
                        *["--cores", str(cores), "--memory", memory, "--webui-port", str(_free_port())],
                        *["--work-dir", str(directory / "work" / f"worker-{index}"), master_url],
                    ],
                    env=env,
                    stdout=handles[-1],
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
        _wait_for(master_log, "Registering worker", workers, timeout, master)
        yield master_url
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for handle in handles:
            handle.close()
