"""Connection settings of a source system, read from the environment and validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from requests.auth import AuthBase

from .http import Connection, HttpPolicy


class SourceConfigError(ValueError):
    """A source's environment settings are incomplete or invalid."""


class SourceSettings(BaseModel):
    """Base of every source's settings: a field per environment variable in ``ENV``.

    Secrets are ``SecretStr`` so they never show in reprs, logs or errors.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    SOURCE: ClassVar[str]
    ENV: ClassVar[Mapping[str, str]]  # field name -> environment variable

    @classmethod
    def missing(cls, environ: Mapping[str, str]) -> list[str]:
        """The required variables that are not set (empty counts as not set)."""
        return [var for field, var in cls.ENV.items() if cls.model_fields[field].is_required() and not environ.get(var)]

    @classmethod
    def variables_set(cls, environ: Mapping[str, str]) -> list[str]:
        return [var for var in cls.ENV.values() if environ.get(var)]

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Self:
        """The settings, or SourceConfigError naming every missing or invalid variable."""
        missing = cls.missing(environ)
        if missing:
            raise SourceConfigError(f"{cls.SOURCE}: {', '.join(missing)} not set")
        try:
            return cls(**{field: environ[var] for field, var in cls.ENV.items() if environ.get(var)})
        except ValidationError as exc:
            problems = "; ".join(
                f"{cls.ENV.get(str(err['loc'][0]), err['loc'][0])}: {err['msg']}" for err in exc.errors()
            )
            raise SourceConfigError(f"{cls.SOURCE}: invalid settings ({problems})") from None


class ApiSettings(SourceSettings):
    """Settings of a source reached over HTTP: where it lives (``URL_FIELD``) and how to sign in."""

    URL_FIELD: ClassVar[str] = "base_url"
    HEADERS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def auth(self) -> AuthBase:
        raise NotImplementedError

    def connection(self, policy: HttpPolicy) -> Connection:
        return Connection(self.SOURCE, getattr(self, self.URL_FIELD), self.auth(), self.HEADERS, policy)


def split_list(value: str | list[str]) -> list[str]:
    """Comma-separated environment lists (``a/b, c/d``) as a clean list."""
    if isinstance(value, list):
        return value
    return [item.strip() for item in value.split(",") if item.strip()]
