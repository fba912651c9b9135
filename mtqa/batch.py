"""Many documents through ``mtqa run``: one pipeline per worker, in this process or on Ray.

Two executors behind one interface (:meth:`results` yields one :class:`DocResult` per
document, in completion order):

* :class:`SequentialExecutor` — the default: one :class:`DocumentWorker` in this process.
  It never imports Ray.
* :class:`RayExecutor` — ``--workers N`` / ``--address``: Ray Data's batch-inference pattern,
  a streaming dataset of document paths mapped by an actor pool whose actors are
  :class:`DocumentWorker` instances, each holding one detector and one translator (the
  model is loaded once per worker, never per document).

Every worker writes a document's outputs itself, atomically, into ``DIR/<doc-id>/`` (on a
multi-machine cluster ``DIR`` and the inputs must be on a filesystem every node sees at the
same path). A document that fails (undecodable, binary, missing, an engine error) gets a
``summary.json`` with ``status="failed"`` and its error, and the batch goes on; a failed
document is tried again on the next run, a finished one is skipped by its fingerprint. A
per-document lock (``DIR/.locks/``) keeps two processes from working on one document at
once, e.g. a worker that outlives a killed driver and the re-run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import resource
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol

from mtqa import __version__
from mtqa.errors import EXIT_INPUT, EXIT_USAGE, MtqaError, OutputError
from mtqa.io import atomic_write, safe_name

log = logging.getLogger(__name__)

_ID_RE = re.compile(r"^\d{3}$")  # an embedded corpus id, as mtqa.document.load_document reads it
LOCK_DIR = ".locks"
TASK_RETRIES = 2  # a document whose worker process dies this many more times is recorded as failed


# --- plain data shipped to workers and back ---------------------------------------------------
@dataclass(frozen=True)
class RunSpec:
    """What a worker needs to build its pipeline: plain, picklable data, never live objects."""

    config: dict[str, Any]
    out_dir: str
    overrides: dict[str, Any] = field(default_factory=dict)  # translator_from_config overrides
    refs: tuple[str, ...] = ()
    engine_label: str = ""
    force: bool = False
    quiet: bool = False
    cwd: str = ""  # the driver's working folder: relative paths resolve as they do there
    pipeline_factory: str = ""  # "module:function" building the pipeline from a RunSpec (tests); "" = default

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_overrides(self, **kw: Any) -> RunSpec:
        return replace(self, overrides={**self.overrides, **kw})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunSpec:
        return cls(**{**d, "refs": tuple(d.get("refs") or ())})


@dataclass
class DocResult:
    """What a worker reports for one document (``status``: done, failed or fatal)."""

    index: int
    ref: str
    doc_id: str
    folder: str
    status: str
    skipped: bool = False
    error: str = ""
    error_type: str = ""  # the MtqaError class name, for fatal errors re-raised on the driver
    exit_code: int = 0
    seconds: float = 0.0
    summary: str = ""  # the summary.json text of a done or failed document
    worker: int = 0  # process id of the worker
    model_loads: int = 0  # translators this worker has built so far (1 at most: once per worker)
    peak_rss_mb: float = 0.0  # the worker's peak resident memory so far

    def to_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> DocResult:
        names = {f.name for f in fields(cls)}
        d = {k: _plain(v) for k, v in row.items() if k in names}
        return cls(**d)

    def fatal_error(self) -> MtqaError:
        """The error that stopped the batch, with the class and exit code it had in the worker."""
        from mtqa import errors

        cls = getattr(errors, self.error_type, MtqaError)
        exc = cls(self.error) if isinstance(cls, type) and issubclass(cls, MtqaError) else MtqaError(self.error)
        exc.exit_code = self.exit_code or exc.exit_code
        return exc


def _plain(v: Any) -> Any:
    """numpy scalars (Ray Data rows) to Python ones."""
    return v.item() if hasattr(v, "item") and not isinstance(v, str | bytes) else v


class BatchFailed(MtqaError):
    """Some documents failed; the others were processed and the index written."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, exit_code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class RayUnavailable(MtqaError):
    exit_code = EXIT_USAGE


class _Fatal(Exception):
    """The translator or the ``--refs`` cannot be built: every document would fail the same way."""

    def __init__(self, error: MtqaError) -> None:
        super().__init__(str(error))
        self.error = error


# --- documents ------------------------------------------------------------------------------
def document_id(ref: str) -> str:
    """The id :func:`mtqa.document.load_document` gives ``ref``, without reading the file."""
    p = Path(ref)
    if not p.exists() and _ID_RE.match(ref):
        return ref
    return p.stem


def duplicate_folders(refs: list[str]) -> list[tuple[str, str, str]]:
    """``(folder, ref_a, ref_b)`` for documents that would write into the same output folder."""
    seen: dict[str, str] = {}
    dups = []
    for ref in refs:
        name = safe_name(document_id(ref))
        if name in seen:
            dups.append((name, seen[name], ref))
        else:
            seen[name] = ref
    return dups


@contextlib.contextmanager
def document_lock(out_dir: Path, name: str) -> Iterator[None]:
    """An exclusive lock on one document's folder (released by the kernel if the holder dies)."""
    import fcntl

    lock_dir = out_dir / LOCK_DIR
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        fh = open(lock_dir / f"{name}.lock", "a")  # noqa: SIM115 - held across the yield
    except OSError as exc:
        raise OutputError(f"{lock_dir}: cannot write here ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        fh.close()


def failure_summary(doc_id: str, source: str, error: str, seconds: float, doc: Any = None):
    """The ``summary.json`` record of a document that could not be processed."""
    from mtqa.record import DocumentSummary

    return DocumentSummary(
        doc=doc_id,
        source=source,
        status="failed",
        error=error,
        encoding=getattr(doc, "encoding", None),
        chars=len(doc.text) if doc is not None else 0,
        timings_s={"total": round(seconds, 2)},
        mtqa_version=__version__,
        fingerprint=None,  # never matches: the next run tries the document again
    )


def write_summary(folder: Path, summary: Any) -> str:
    """Write ``summary.json`` atomically (as the pipeline does); return its text."""
    text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n"
    atomic_write(folder / "summary.json", text)
    return text


# --- the worker -----------------------------------------------------------------------------
class _TranslatorFactory:
    """Builds the worker's translator (the pipeline asks once and keeps it), counting the loads."""

    def __init__(self, spec: RunSpec, quiet: bool | None = None) -> None:
        self.spec = spec
        self.quiet = spec.quiet if quiet is None else quiet  # no model-loading progress bars
        self.loads = 0

    def __call__(self) -> Any:
        from mtqa.translate.factory import translator_from_config

        self.loads += 1
        try:
            return translator_from_config(self.spec.config, quiet=self.quiet, **self.spec.overrides)
        except MtqaError as exc:
            raise _Fatal(exc) from None


def build_pipeline(spec: RunSpec, factory: _TranslatorFactory | None = None) -> Any:
    """The default pipeline of a worker: one detector, one (lazily loaded) translator."""
    from mtqa.pipeline import Pipeline

    return Pipeline(spec.config, factory or _TranslatorFactory(spec), list(spec.refs) or None, spec.engine_label)


def make_spec(
    config: dict[str, Any],
    out_dir: str | Path,
    *,
    engine: str | None = None,
    model: str | None = None,
    device: str | None = None,
    batch_size: int | None = None,
    no_glossary: bool = False,
    refs: tuple[str, ...] = (),
    force: bool = False,
    quiet: bool = False,
) -> RunSpec:
    """The run as ``mtqa run``'s options say; the engine label is part of every fingerprint."""
    tc = config["translate"]
    overrides = {
        "engine": engine,
        "model": model,
        "device": device,
        "batch_size": batch_size,
        "glossary": False if no_glossary else None,
    }
    label = f"{engine or tc['engine']}:{model or tc['model']}:{not no_glossary}"
    return RunSpec(
        config=config,
        out_dir=str(out_dir),
        overrides=overrides,
        refs=tuple(refs),
        engine_label=label,
        force=force,
        quiet=quiet,
        cwd=os.getcwd(),
    )


def ray_executor(spec: RunSpec, workers: int, address: str | None = None, gpus_per_worker: float = 0.0) -> RayExecutor:
    """A Ray executor with engine threads per worker: ``translate.threads`` if set, else the
    local cores shared out among the workers (one each on a cluster, where Ray also sets
    ``OMP_NUM_THREADS`` to the CPUs a worker reserved)."""
    threads = spec.config["translate"]["threads"] or (
        max(1, (os.cpu_count() or 1) // max(1, workers)) if address is None else 1
    )
    return RayExecutor(spec.with_overrides(threads=threads), workers, address, gpus_per_worker, threads)


def _load_factory(path: str) -> Callable[[RunSpec], Any]:
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _setup_worker(spec: RunSpec) -> None:
    """A Ray worker process: the driver's working folder, and mtqa's log records on stderr,
    which Ray forwards to the driver (``log_to_driver``; off with ``--quiet``)."""
    if spec.cwd and os.path.isdir(spec.cwd):
        os.chdir(spec.cwd)
    logger = logging.getLogger("mtqa")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("mtqa: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.ERROR if spec.quiet else logging.WARNING)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class DocumentWorker:
    """One pipeline (detector + translator, loaded once) that processes documents by path.

    Used as is by the sequential executor and as Ray Data's callable class by the Ray one.
    """

    def __init__(self, spec: RunSpec | dict[str, Any], ray_worker: bool = False) -> None:
        self.spec = spec if isinstance(spec, RunSpec) else RunSpec.from_dict(spec)
        if ray_worker:
            _setup_worker(self.spec)
        self.out = Path(self.spec.out_dir)
        self._factory: _TranslatorFactory | None = None
        self.pipeline: Any = None
        self.init_error: DocResult | None = None  # why the pipeline could not be built (a bad --config, ...)
        try:
            if self.spec.pipeline_factory:
                self.pipeline = _load_factory(self.spec.pipeline_factory)(self.spec)
            else:
                # a Ray worker's progress bars would reach the driver as lines of log: none there
                self._factory = _TranslatorFactory(self.spec, quiet=self.spec.quiet or ray_worker)
                self.pipeline = build_pipeline(self.spec, self._factory)
        except Exception as exc:  # reported with the first document, so Ray does not restart us in a loop
            if isinstance(exc, MtqaError):
                error, kind, code = str(exc), type(exc).__name__, exc.exit_code
            else:
                error, kind, code = f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())}", "", 1
            self.init_error = DocResult(-1, "", "", "", "fatal", error=error, error_type=kind, exit_code=code)
        self._refs_checked = not self.spec.refs
        log.debug("worker %d ready", os.getpid())

    def close(self) -> None:
        close = getattr(self.pipeline, "close", None)
        if close is not None:
            close()

    def process(self, index: int, ref: str, progress: Callable[[int, int], None] | None = None) -> DocResult:
        """Run one document; every failure becomes a result, never an exception (but Ctrl-C)."""
        from mtqa.document import load_document, require_text

        t0 = time.perf_counter()
        doc_id = document_id(ref)
        name = safe_name(doc_id)
        folder = self.out / name
        if self.init_error is not None:
            return replace(self.init_error, index=index, ref=ref, doc_id=doc_id, folder=str(folder), worker=os.getpid())
        res = DocResult(index, ref, doc_id, str(folder), "done", worker=os.getpid())

        def fatal(exc: MtqaError) -> None:
            res.status, res.error, res.error_type, res.exit_code = "fatal", str(exc), type(exc).__name__, exc.exit_code

        try:
            with document_lock(self.out, name):
                doc = None
                try:
                    doc = require_text(load_document(ref), ref)
                    if not self._refs_checked:  # --refs files are every document's: their errors stop the batch
                        try:
                            self.pipeline.references(doc)
                        except MtqaError as exc:
                            raise _Fatal(exc) from None
                        self._refs_checked = True
                    outcome = self.pipeline.run_document(doc, self.out, force=self.spec.force, progress=progress)
                    res.skipped = outcome.skipped
                    res.status = outcome.summary.status
                    res.summary = json.dumps(outcome.summary.to_json(), ensure_ascii=False)
                except _Fatal as exc:
                    fatal(exc.error)
                except OutputError:
                    raise
                except MtqaError as exc:
                    res.status, res.error, res.exit_code = "failed", str(exc), exc.exit_code
                except Exception as exc:  # a bug or an engine crash: this document fails, the batch goes on
                    msg = " ".join(str(exc).split())
                    res.status, res.error, res.exit_code = "failed", f"internal error: {type(exc).__name__}: {msg}", 1
                    log.debug("%s: traceback", ref, exc_info=True)
                if res.status == "failed":
                    log.info("%s: failed: %s", ref, res.error)
                    s = failure_summary(doc_id, getattr(doc, "source", ref), res.error, time.perf_counter() - t0, doc)
                    res.summary = write_summary(folder, s)
        except OutputError as exc:  # the output folder cannot be written: every document would fail
            fatal(exc)
        res.seconds = round(time.perf_counter() - t0, 3)
        res.peak_rss_mb = peak_rss_mb()
        res.model_loads = self._factory.loads if self._factory is not None else 0
        log.info("%s: %s in %.1fs", ref, "skipped" if res.skipped else res.status, res.seconds)
        return res

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """Ray Data entry point: a batch of ``{"index", "ref"}`` columns to result columns."""
        rows = [self.process(int(i), str(r)).to_row() for i, r in zip(batch["index"], batch["ref"], strict=True)]
        return {name: [row[name] for row in rows] for name in (f.name for f in fields(DocResult))}


# --- executors ------------------------------------------------------------------------------
class Executor(Protocol):
    name: str
    spec: RunSpec
    startup_s: float  # until the workers could take documents (Ray: cluster start or connect)

    def results(self, refs: list[str]) -> Iterator[DocResult]: ...


DocProgress = Callable[[str], tuple[Callable[[int, int], None], Callable[[], None]]]


class SequentialExecutor:
    """Documents one after another in this process, with one worker (the embedded default)."""

    name = "sequential"

    def __init__(self, spec: RunSpec, doc_progress: DocProgress | None = None) -> None:
        self.spec = spec
        self.doc_progress = doc_progress
        self.startup_s = 0.0

    def results(self, refs: list[str]) -> Iterator[DocResult]:
        t = time.perf_counter()
        worker = DocumentWorker(self.spec)
        self.startup_s = time.perf_counter() - t
        try:
            for i, ref in enumerate(refs):
                update, done = self.doc_progress(document_id(ref)) if self.doc_progress else (None, None)
                try:
                    yield worker.process(i, ref, progress=update)
                finally:
                    if done:
                        done()
        finally:
            worker.close()


def import_ray():
    """``ray`` and ``ray.data``, or a one-line error saying how to install them."""
    # read by Ray when it is imported: no usage report sent out of a QA run, and each document's
    # warnings reach the driver, none folded into "[repeated 2x across cluster]"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    try:
        import ray
        import ray.data
    except ImportError:
        raise RayUnavailable(
            "--workers and --address need Ray: pip install 'mtqa[ray]' (or pip install \"ray[data]==2.60.*\")"
        ) from None
    return ray


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """A ``host:port`` or ``ray://host:port`` address must accept a connection: ``ray.init``
    would wait for an unreachable head for minutes, deaf to Ctrl-C ("auto" is not checked)."""
    import socket

    hostport = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise RayUnavailable(f"--address {address}: no Ray head answers there ({exc.strerror or exc})") from None


def _actor_remote_args() -> dict[str, Any]:
    """Actor options over Ray Data's defaults (restart dead workers; retry a document this often)."""
    return {"max_task_retries": TASK_RETRIES}


@contextlib.contextmanager
def _silenced_stderr(on: bool) -> Iterator[None]:
    """``--quiet`` on Ray: file descriptor 2 to /dev/null, which also silences what Ray's C++
    core and the processes it starts write there (the Python-level log settings cannot)."""
    if not on:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


class RayExecutor:
    """Ray Data batch inference: document paths stream through an actor pool of workers.

    ``address=None`` starts a local cluster for the run (``ray.init(num_cpus=...)``, Ray's
    default session directory) and shuts it down at the end; an address connects to an
    existing cluster. Each worker reserves ``cpus_per_worker`` CPUs (its engine threads) and
    ``gpus_per_worker`` GPUs (Ray gives it its own device via ``CUDA_VISIBLE_DEVICES``).
    A worker process that dies is restarted and its document retried (``TASK_RETRIES``);
    a document still without a result after that is recorded as failed by the driver.
    """

    name = "ray"

    def __init__(
        self,
        spec: RunSpec,
        workers: int,
        address: str | None = None,
        gpus_per_worker: float = 0.0,
        cpus_per_worker: int = 1,
    ) -> None:
        self.spec = spec
        self.workers = max(1, workers)
        self.address = address
        self.gpus_per_worker = gpus_per_worker
        self.cpus_per_worker = max(1, cpus_per_worker)
        self.startup_s = 0.0
        self.session_dir: str | None = None

    def _init(self, ray) -> bool:
        """Start or connect to the cluster; True when this run started it."""
        quiet = self.spec.quiet
        kw: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": not quiet,  # workers' log records reach the driver's stderr
            "logging_level": logging.ERROR,  # Ray's own start-up chatter
        }
        started = False
        previous = signal.getsignal(signal.SIGTERM)
        if not ray.is_initialized():
            if self.address:
                check_reachable(self.address)
            try:
                if self.address:
                    env = {k: v for k, v in os.environ.items() if k.startswith("MTQA_")}
                    ray.init(address=self.address, runtime_env={"env_vars": env} if env else None, **kw)
                else:
                    ray.init(num_cpus=self.workers * self.cpus_per_worker, **kw)
                    started = True
            except Exception as exc:
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray cluster"
                raise RayUnavailable(f"cannot start or reach {where}: {' '.join(str(exc).split())}") from None
        with contextlib.suppress(ValueError):  # ray.init replaces SIGTERM's handler; keep ours
            signal.signal(signal.SIGTERM, previous)
        with contextlib.suppress(Exception):
            self.session_dir = ray._private.worker._global_node.get_session_dir_path()
        return started

    def results(self, refs: list[str]) -> Iterator[DocResult]:
        ray = import_ray()
        with _silenced_stderr(self.spec.quiet):
            yield from self._results(ray, refs)

    def _results(self, ray: Any, refs: list[str]) -> Iterator[DocResult]:
        from ray.data import DataContext

        t = time.perf_counter()
        started = self._init(ray)
        self.startup_s = time.perf_counter() - t
        log.info("ray: %s in %.1fs", "local cluster started" if started else "connected", self.startup_s)
        ctx = DataContext.get_current()
        ctx.enable_progress_bars = False  # the CLI draws one bar across documents
        ctx.print_on_execution_start = False
        ctx.max_errored_blocks = -1  # a document whose worker keeps dying is reported, not fatal
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        seen: set[int] = set()
        try:
            for res in self._pass(ray, list(enumerate(refs)), in_flight=2):
                seen.add(res.index)
                yield res
            lost = [(i, r) for i, r in enumerate(refs) if i not in seen]
            if lost:
                # A worker that dies takes the document queued behind it down too, which then
                # spends its retries on another document's crash: each one gets a pass alone.
                log.info("ray: %d document(s) lost with their worker; retried one per worker", len(lost))
                for res in self._pass(ray, lost, in_flight=1):
                    seen.add(res.index)
                    yield res
            for i, ref in enumerate(refs):  # documents whose worker died every time
                if i not in seen:
                    yield self._lost(i, ref)
        finally:
            if started:
                ray.shutdown()

    def _pass(self, ray: Any, items: list[tuple[int, str]], in_flight: int) -> Iterator[DocResult]:
        """One Ray Data pass over ``(index, ref)`` items, ``in_flight`` documents per worker."""
        from ray.data import ActorPoolStrategy

        ds = ray.data.from_items([{"index": i, "ref": r} for i, r in items], override_num_blocks=max(1, len(items)))
        with warnings.catch_warnings():  # ray_remote_args_fn: deprecated in 2.60, no named replacement yet
            warnings.simplefilter("ignore")
            ds = ds.map_batches(
                DocumentWorker,
                fn_constructor_kwargs={"spec": self.spec.to_dict(), "ray_worker": True},
                batch_size=1,
                batch_format="numpy",
                # in_flight 2: one document running and one queued per worker, balanced to the end
                # of the batch; a worker that dies takes both back to the queue
                compute=ActorPoolStrategy(size=self.workers, max_tasks_in_flight_per_actor=in_flight),
                num_cpus=self.cpus_per_worker,
                num_gpus=self.gpus_per_worker or None,
                ray_remote_args_fn=_actor_remote_args,
            )
        for row in ds.iter_rows():
            yield DocResult.from_row(row)

    def _lost(self, index: int, ref: str) -> DocResult:
        doc_id = document_id(ref)
        folder = Path(self.spec.out_dir) / safe_name(doc_id)
        error = (
            f"the worker process died on every try of this document ({2 * (TASK_RETRIES + 1)} tries, the last ones "
            "alone on a worker: killed, out of memory or crashed)"
        )
        res = DocResult(index, ref, doc_id, str(folder), "failed", error=error, exit_code=1)
        with document_lock(Path(self.spec.out_dir), safe_name(doc_id)):
            res.summary = write_summary(folder, failure_summary(doc_id, ref, error, 0.0))
        return res


# --- the driver -----------------------------------------------------------------------------
@dataclass
class BatchReport:
    """What a batch did, for the CLI and the benchmark."""

    executor: str
    results: list[DocResult] = field(default_factory=list)
    startup_s: float = 0.0
    first_result_s: float | None = None  # from the start of the batch
    wall_s: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[DocResult]:
        return [r for r in self.results if r.status == "failed"]


def run_batch(
    refs: list[str],
    executor: Executor,
    on_result: Callable[[DocResult], None] | None = None,
    write_index: bool = True,
    index_every_s: float = 60.0,
) -> BatchReport:
    """Run every document through ``executor``; rebuild ``DIR/index.*`` as results come in
    (at most every ``index_every_s``) and at the end. A fatal error (the model cannot load,
    the output folder cannot be written) stops the batch and is raised; per-document
    failures are in the report (the CLI turns them into :class:`BatchFailed`)."""
    out_dir = Path(executor.spec.out_dir)
    report = BatchReport(executor.name)
    t0 = time.perf_counter()
    last_index = t0
    try:
        with contextlib.closing(executor.results(refs)) as results:  # closed at once on a fatal error
            for res in results:
                if report.first_result_s is None:
                    report.first_result_s = time.perf_counter() - t0
                if res.status == "fatal":
                    raise res.fatal_error()
                report.results.append(res)
                if on_result is not None:
                    on_result(res)
                if write_index and time.perf_counter() - last_index > index_every_s:
                    _write_index(out_dir)
                    last_index = time.perf_counter()
    finally:
        report.startup_s = executor.startup_s
        report.wall_s = time.perf_counter() - t0
        if write_index:
            _write_index(out_dir)
    return report


def _write_index(out_dir: Path) -> None:
    from mtqa.report.index import write_index

    try:
        write_index(out_dir)
    except MtqaError as exc:  # never hide the batch's own outcome behind an index problem
        log.warning("index not written: %s", exc)
