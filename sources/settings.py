"""Connection settings of a source system, read from the environment and validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

SANDBOX_SECRET = SecretStr("sandbox")


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
    def from_env(cls, environ: Mapping[str, str]) -> Self | None:
        """The live settings, or None when none of the source's variables is set (sandbox)."""
        values = {field: environ[var] for field, var in cls.ENV.items() if environ.get(var)}
        if not values:
            return None
        missing = [
            var
            for field, var in cls.ENV.items()
            if field not in values and cls.model_fields[field].is_required()
        ]
        if missing:
            raise SourceConfigError(
                f"{cls.SOURCE}: {', '.join(missing)} not set; set all of "
                f"{', '.join(cls.ENV.values())} or none of them to use the sandbox"
            )
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{cls.ENV.get(str(err['loc'][0]), err['loc'][0])}: {err['msg']}"
                for err in exc.errors()
            )
            raise SourceConfigError(f"{cls.SOURCE}: invalid settings ({problems})") from None


def split_list(value: str | list[str]) -> list[str]:
    """Comma-separated environment lists (``a/b, c/d``) as a clean list."""
    if isinstance(value, list):
        return value
    return [item.strip() for item in value.split(",") if item.strip()]
