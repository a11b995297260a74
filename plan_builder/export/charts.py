"""Render plotly figures to PNG with kaleido and the system Chromium: one browser per batch.

An export hands all its figures to `render_pngs` at once; they are drawn in a single browser
session (Chromium starts once, not once per chart). MathJax is switched off (kaleido would
otherwise fetch it from a CDN) and kaleido's browser download is never used.

Chromium is driven from a private thread with its own event loop, so the caller may be a
Streamlit script thread or anything else. A process-wide lock serialises sessions: kaleido and
Chromium are not safe to share between threads, and two exports at the same moment simply take
turns.

By default the browser is kept open for a short while after a batch (KEEP_WARM_SECONDS), so
the next export in the same process starts rendering at once; set it to 0 (or
PLAN_BUILDER_CHART_KEEP_WARM=0) to close the browser after every batch.

When no Chromium can be started, or PLAN_BUILDER_NO_CHARTS=1 is set, `render_pngs` returns a
`ChartBatch` whose images are None and whose `reason` explains why (in Japanese), and the
export puts a short note in place of each chart.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from plan_builder.export.figures import Spec, spec_size

log = logging.getLogger(__name__)

NO_CHARTS_ENV = "PLAN_BUILDER_NO_CHARTS"
KEEP_WARM_ENV = "PLAN_BUILDER_CHART_KEEP_WARM"
KEEP_WARM_SECONDS = 60.0
START_TIMEOUT = 60.0
CHART_TIMEOUT = 30.0
SCALE = 1.5  # 440 px wide charts → 660 px, about 220 dpi at 7.6 cm

_CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

_lock = threading.Lock()  # one browser session at a time, process-wide

# Recently drawn charts by content: exporting the same plan as docx, then pdf, then html
# draws each chart once. Guarded by _lock.
CACHE_SIZE = 128
_cache: OrderedDict[str, bytes] = OrderedDict()


def _cache_key(fig: go.Figure | Spec) -> str:
    text = fig.to_json() if isinstance(fig, go.Figure) else json.dumps(fig, sort_keys=True, default=str)
    return hashlib.sha256(f"{SCALE}|{text}".encode()).hexdigest()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


@dataclass
class ChartBatch:
    images: list[bytes | None]
    reason: str = ""  # why charts are missing (Japanese), "" when all rendered
    seconds: float = 0.0
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def rendered(self) -> bool:
        return bool(self.images) and all(i is not None for i in self.images)


def find_browser() -> str | None:
    """The Chromium kaleido will use: BROWSER_PATH, else one on PATH. Never downloads one."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in _CHROME_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def charts_disabled() -> bool:
    return os.environ.get(NO_CHARTS_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _keep_warm() -> float:
    try:
        return float(os.environ.get(KEEP_WARM_ENV, KEEP_WARM_SECONDS))
    except ValueError:
        return KEEP_WARM_SECONDS


class _Session:
    """A Kaleido (one Chromium, one tab) living on a private event-loop thread."""

    def __init__(self, browser: str) -> None:
        import kaleido  # imported lazily: loading it costs time and the wizard may not need it

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="plan-builder-charts", daemon=True
        )
        self._thread.start()
        self._kaleido_mod = kaleido
        self._browser = browser
        self._kaleido: Any = None
        self._tab: Any = None
        self._recycling: Any = None
        try:
            self._call(self._open(), START_TIMEOUT)
        except BaseException:
            self.close()
            raise
        self.last_used = time.monotonic()

    def _call(self, coro: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _open(self) -> None:
        # Built inside the loop thread; path= pins the browser found on this machine.
        self._kaleido = self._kaleido_mod.Kaleido(
            n=1, mathjax=False, timeout=CHART_TIMEOUT, path=self._browser
        )
        await self._kaleido.open()

    async def _render(self, fig: go.Figure | Spec, opts: dict[str, Any]) -> bytes:
        # Use the tab directly so it is not reloaded (plotly.js re-parsed) after every chart;
        # fall back to the public API if kaleido's internals change.
        k = self._kaleido
        try:
            from kaleido import _profiler
            from kaleido._utils import fig_tools

            if self._tab is None:
                self._tab = await k._get_kaleido_tab()
            spec = fig_tools.coerce_for_js(fig, None, opts)
            prof = _profiler.RenderTaskProfile(spec, None, self._tab.tab.target_id)
            return await asyncio.wait_for(
                self._tab._calc_fig(spec, topojson=None, render_prof=prof, stepper=False),
                CHART_TIMEOUT,
            )
        except (ImportError, AttributeError, TypeError):
            return await k.calc_fig(fig, opts=opts)

    async def _recycle(self) -> None:
        if self._tab is not None:
            tab, self._tab = self._tab, None
            await self._kaleido._return_kaleido_tab(tab)

    def render(self, fig: go.Figure | Spec, opts: dict[str, Any]) -> bytes:
        if self._recycling is not None:  # the previous batch's tab reload must finish first
            try:
                self._recycling.result(CHART_TIMEOUT)
            except Exception:
                log.debug("tab recycle failed", exc_info=True)
            self._recycling = None
        out = self._call(self._render(fig, opts), CHART_TIMEOUT + 5)
        self.last_used = time.monotonic()
        return out

    def end_batch(self) -> None:
        """Reload the tab in the background (frees the page's memory between exports)."""
        self._recycling = asyncio.run_coroutine_threadsafe(self._recycle(), self._loop)

    def close(self) -> None:
        async def _close() -> None:
            if self._kaleido is None:
                return
            try:
                await self._kaleido.close()
            except Exception:
                log.debug("kaleido close failed", exc_info=True)

        if self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(_close(), self._loop).result(20)
            except Exception:
                log.debug("kaleido close timed out", exc_info=True)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)


_warm: _Session | None = None
_reaper: threading.Timer | None = None


def _schedule_close(delay: float) -> None:
    global _reaper
    if _reaper is not None:
        _reaper.cancel()
    _reaper = threading.Timer(delay, _close_if_idle, args=(delay,))
    _reaper.daemon = True
    _reaper.start()


def _close_if_idle(delay: float) -> None:
    global _warm
    with _lock:
        if _warm is not None and time.monotonic() - _warm.last_used >= delay - 0.05:
            _warm.close()
            _warm = None


def shutdown() -> None:
    """Close the kept-warm browser now (tests, benchmarks, process exit)."""
    global _warm
    with _lock:
        if _warm is not None:
            _warm.close()
            _warm = None


atexit.register(shutdown)  # never leave a Chromium behind when the process ends


def prewarm(keep_warm: float | None = None) -> threading.Thread | None:
    """Start the browser in the background (e.g. when the export page opens), so the next
    export does not wait for Chromium to start. Returns the thread, or None if nothing to do."""
    if charts_disabled() or find_browser() is None:
        return None
    keep = _keep_warm() if keep_warm is None else keep_warm
    if keep <= 0:
        return None

    def run() -> None:
        global _warm
        with _lock:
            if _warm is not None:
                _warm.last_used = time.monotonic()
                return
            browser = find_browser()
            if browser is None:
                return
            try:
                _warm = _Session(browser)
            except BaseException:
                log.warning("chart browser prewarm failed", exc_info=True)
                return
        _schedule_close(keep)

    thread = threading.Thread(target=run, name="plan-builder-charts-prewarm", daemon=True)
    thread.start()
    return thread


def _reason_for(exc: BaseException) -> str:
    name = type(exc).__name__
    if "ChromeNotFound" in name or isinstance(exc, FileNotFoundError):
        return "グラフを画像にするためのブラウザ（Chromium）が見つかりません"
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "グラフを画像にするブラウザ（Chromium）が時間内に応答しませんでした"
    return f"グラフを画像にするブラウザ（Chromium）を起動できませんでした（{name}）"


def render_pngs(
    figures: Sequence[go.Figure | Spec],
    *,
    enabled: bool = True,
    keep_warm: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    use_cache: bool = True,
) -> ChartBatch:
    """PNG bytes for each figure, drawn in one browser session (None where it failed)."""
    global _warm
    t0 = time.perf_counter()
    n = len(figures)
    if not n:
        return ChartBatch(images=[])
    if not enabled or charts_disabled():
        return ChartBatch(images=[None] * n, reason="グラフの画像化が無効に設定されています")
    browser = find_browser()
    if browser is None:
        return ChartBatch(
            images=[None] * n, reason="グラフを画像にするためのブラウザ（Chromium）がこのサーバーにありません"
        )
    keep = _keep_warm() if keep_warm is None else keep_warm
    images: list[bytes | None] = []
    errors: dict[int, str] = {}
    keys = [_cache_key(f) for f in figures] if use_cache else [""] * n
    with _lock:
        if use_cache and all(k in _cache for k in keys):
            for k in keys:
                _cache.move_to_end(k)
            if progress:
                progress(n, n)
            return ChartBatch(images=[_cache[k] for k in keys], seconds=time.perf_counter() - t0)
        session = _warm
        _warm = None
        if session is None:
            try:
                session = _Session(browser)
            except BaseException as exc:
                log.warning("chart browser did not start: %r", exc)
                return ChartBatch(
                    images=[None] * n, reason=_reason_for(exc), seconds=time.perf_counter() - t0
                )
        try:
            for i, fig in enumerate(figures):
                if use_cache and keys[i] in _cache:
                    images.append(_cache[keys[i]])
                    if progress:
                        progress(i + 1, n)
                    continue
                width, height = spec_size(fig)
                opts = {"format": "png", "width": width, "height": height, "scale": SCALE}
                try:
                    png = session.render(fig, opts)
                    images.append(png)
                    if use_cache:
                        _cache[keys[i]] = png
                        while len(_cache) > CACHE_SIZE:
                            _cache.popitem(last=False)
                except Exception as exc:
                    log.warning("chart %d failed: %r", i, exc)
                    images.append(None)
                    errors[i] = _reason_for(exc) if isinstance(exc, TimeoutError) else f"{type(exc).__name__}"
                if progress:
                    progress(i + 1, n)
            session.end_batch()
        finally:
            if keep > 0 and not errors:
                _warm = session
            else:
                session.close()
    if keep > 0 and _warm is not None:
        _schedule_close(keep)
    reason = "一部のグラフを画像にできませんでした" if errors else ""
    return ChartBatch(images=images, reason=reason, seconds=time.perf_counter() - t0, errors=errors)
