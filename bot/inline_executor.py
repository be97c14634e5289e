"""An Executor that runs work immediately in the caller's thread.

Used by the offline console and the tests: Bolt still acks first, but ``app.dispatch`` returns only
after the listener is done, so what it sent can be read right away.
"""

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any


class InlineExecutor(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future
