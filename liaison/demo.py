"""Demo data builders: seed_demo builds the roster, then each app's demo.py adds its records.

An app registers `@register_demo` a function (rng, today) that creates its demo records from
the roster already in the database; this keeps the core free of imports of domain apps."""

from collections.abc import Callable

DEMO_BUILDERS: list[Callable] = []


def register_demo(func: Callable) -> Callable:
    DEMO_BUILDERS.append(func)
    return func
