import pytest

from coproduce.themes import services
from coproduce.themes.tests.factories import stored_starter


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    services._LOADED.clear()
    yield
    services._LOADED.clear()


@pytest.fixture
def starter(db):
    return stored_starter()
