import pytest


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from tests.stack_fixture import RunningStack

    s = RunningStack(tmp_path_factory.mktemp("stack"))
    yield s
    s.stop()
