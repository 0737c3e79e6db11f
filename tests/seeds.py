"""Seeds for the ``seeded`` fixture (tests/conftest.py): each is a ``(name, make)`` pair, where the
name identifies everything ``make`` depends on, because seeds with one name share one snapshot."""
from __future__ import annotations

from typing import Callable

CHEAP_SCRYPT_N = 2**4


def cheap_pins(monkeypatch) -> None:
    """PIN hashing at a token cost. Hashing strength is the staff suite's subject; at full cost every
    seed and sign-in spends a quarter second per PIN. Seeding and signing in must use one cost (the
    check hashes with the current parameters), so a suite that seeds cheaply signs in cheaply too."""
    from chalicelib.staff import pins

    monkeypatch.setitem(pins._SCRYPT, "n", CHEAP_SCRYPT_N)


def demo(products: int | None = None, *, cheap: bool = False,
         then: Callable[[dict], None] | None = None, then_name: str = "") -> tuple[str, Callable[[], dict]]:
    """The local stack's demo merchant (infra/local/seed.py): all products or the first ``products``,
    PINs hashed cheaply if ``cheap``, and ``then(demo)`` run after the seed (named ``then_name``)."""
    name = "demo" + (f":{products} products" if products is not None else "") + (":cheap PINs" if cheap else "")
    if then is not None:
        assert then_name, "a seed with extra steps needs a name for them"
        name += f":{then_name}"

    def make() -> dict:
        import pytest

        from infra.local import seed

        with pytest.MonkeyPatch.context() as mp:
            if products is not None:
                mp.setattr(seed, "PRODUCTS", seed.PRODUCTS[:products])
            if cheap:
                cheap_pins(mp)
            result = seed.seed()
            if then is not None:
                then(result)
        return result

    return name, make
