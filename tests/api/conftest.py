import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """`api(user)` returns an API client authenticated as `user` (or anonymous with None)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
