"""TimeCounter of the mmengine stand-in: usable as a decorator (with or without arguments) and as
a context manager; it times nothing (compare.py times the passes itself)."""
import functools


class TimeCounter:
    def __init__(self, *args, **kwargs):
        self._func = args[0] if len(args) == 1 and callable(args[0]) and not kwargs else None

    def __call__(self, *args, **kwargs):
        if self._func is not None:
            return self._func(*args, **kwargs)
        func = args[0]

        @functools.wraps(func)
        def wrapped(*a, **k):
            return func(*a, **k)
        return wrapped

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
