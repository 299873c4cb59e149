"""No secret ever appears in a repr, an error or output: the PostgreSQL password."""

from __future__ import annotations

import io
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from fitsm import StoreError, open_store
from fitsm.demo import run
from fitsm.errors import UnsupportedStoreError
from fitsm.storage.urls import redacted
from tests.test_concurrency import backend_url

SECRET = "Zq8-not-shown"


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or 'fitsm'}:{password}@{host}"))


def shown(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


def leaks(password: str, text: str) -> bool:
    """Whether ``text`` shows the password: in a URL always; bare when it is distinctive
    enough to tell (CI's is; a local 'fitsm' is also the user and database name)."""
    if f":{password}@" in text:
        return True
    return len(password) >= 8 and password not in ("postgres", "password") and password in text


class TestRedacted:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("postgresql://ann:pw@db/x", "postgresql://ann:***@db/x"),
            ("postgresql://ann:p%40ss@db:5433/x?sslmode=require",
             "postgresql://ann:***@db:5433/x?sslmode=require"),
            ("postgresql://ann@db/x", "postgresql://ann@db/x"),
            ("sqlite:///fitsm.db", "sqlite:///fitsm.db"),
        ],
    )  # fmt: skip
    def test_the_password_is_replaced(self, url: str, expected: str) -> None:
        assert redacted(url) == expected

    def test_an_unknown_scheme_is_named_without_its_password(self) -> None:
        with pytest.raises(UnsupportedStoreError) as caught:
            open_store(f"mysql://ann:{SECRET}@db/x")
        assert SECRET not in shown(caught.value)
        assert "mysql://ann:***@db/x" in str(caught.value)


class TestPostgreSQL:
    def test_a_store_shows_its_url_without_the_password(self, tmp_path: Path) -> None:
        url = backend_url(tmp_path, "postgresql")
        password = urlsplit(url).password
        assert password
        store = open_store(url)
        for text in (repr(store), str(store), store.url, store.connection.url):
            assert not leaks(password, text)
        assert ":***@" in store.url
        store.close()
        with pytest.raises(StoreError) as caught:
            store.unit_of_work()
        assert not leaks(password, shown(caught.value))

    @pytest.mark.parametrize(
        "bad",
        [
            "wrong password",
            "refused port",
            "bad option",
        ],
    )
    def test_errors_opening_a_store_never_show_the_password(self, tmp_path: Path, bad: str) -> None:
        url = with_password(backend_url(tmp_path, "postgresql"), SECRET)
        if bad == "refused port":
            url = url.replace("@localhost", "@127.0.0.1:1")
        if bad == "bad option":
            url += "&nonsense_option=1" if "?" in url else "?nonsense_option=1"
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert SECRET not in shown(caught.value)

    def test_a_lost_connection_is_reported_without_the_password(self, tmp_path: Path) -> None:
        import psycopg

        url = backend_url(tmp_path, "postgresql")
        password = urlsplit(url).password or ""
        store = open_store(url)
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(%s)", (store.connection.raw.info.backend_pid,)
            )
        with pytest.raises(StoreError) as caught, store.unit_of_work() as uow:
            uow.cmdbs.ids()
        assert not leaks(password, shown(caught.value))
        store.close()

    def test_the_demo_output_does_not_show_the_password(self, tmp_path: Path) -> None:
        url = backend_url(tmp_path, "postgresql")
        password = urlsplit(url).password or ""
        out = io.StringIO()
        run(out, store_url=url)
        assert not leaks(password, out.getvalue())
        assert ":***@" in out.getvalue()
