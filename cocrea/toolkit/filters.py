"""Parsing the repository's filter parameters.

Pure: the caller passes the raw parameters and the vocabulary of valid codes, and
gets either a typed filter or a :class:`FilterError` naming each bad parameter. The
HTML page and the API use the same parser, so both reject the same input the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cocrea.toolkit.text import search_terms

MAX_QUERY_LENGTH = 200
FILTER_NAMES = ("pillar", "level", "lineamiento", "country", "kind", "q")


class FilterError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ExperienceFilters:
    pillar: str | None = None
    level: str | None = None
    lineamiento: str | None = None
    country: str | None = None
    kind: str | None = None
    q: str = ""

    @property
    def terms(self) -> list[str]:
        return search_terms(self.q)

    def is_empty(self) -> bool:
        return not any((self.pillar, self.level, self.lineamiento, self.country, self.kind, self.q))


def parse_experience_filters(
    params: Mapping[str, Sequence[str]],
    *,
    vocabulary: Mapping[str, Sequence[str]],
    allowed_extra: Sequence[str] = (),
    strict_names: bool = True,
) -> ExperienceFilters:
    """``params`` maps each parameter to all its values (``QueryDict.lists()``).

    ``vocabulary`` maps filter names (pillar, level, …) to their valid codes. With
    ``strict_names`` an unknown parameter is an error too, so a typo such as
    ``?piller=x`` does not silently return everything.
    """
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, raw_values in params.items():
        if name not in FILTER_NAMES:
            if strict_names and name not in allowed_extra:
                errors[name] = _("Parámetro desconocido. Se aceptan: %(names)s.") % {
                    "names": ", ".join((*FILTER_NAMES, *allowed_extra))
                }
            continue
        given = [v for v in raw_values if v != ""]
        if len(given) > 1:
            errors[name] = _("Indique como máximo un valor.")
            continue
        if not given:
            continue
        value = given[0].strip()
        if name == "q":
            if len(value) > MAX_QUERY_LENGTH:
                errors[name] = _("El texto de búsqueda admite como máximo %(max)d caracteres.") % {
                    "max": MAX_QUERY_LENGTH
                }
                continue
            values[name] = value
            continue
        valid = vocabulary.get(name, ())
        given_value = value
        if name == "country":
            value = value.upper()
        if value not in valid:
            errors[name] = _("Valor desconocido «%(value)s». Valores válidos: %(valid)s.") % {
                "value": given_value[:60],
                "valid": ", ".join(valid),
            }
            continue
        values[name] = value
    if errors:
        raise FilterError(errors)
    return ExperienceFilters(**values)
