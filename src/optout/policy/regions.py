"""Country codes and the region groups a policy may name ("EU", "EEA")."""

from __future__ import annotations

from babel import Locale

EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
EEA = EU | {"IS", "LI", "NO"}
GROUPS: dict[str, frozenset[str]] = {"EU": EU, "EEA": EEA}

_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}
COUNTRIES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def expand_regions(names: list[str]) -> frozenset[str]:
    """Turn a list of ISO codes and group names into the set of country codes it covers."""
    countries: set[str] = set()
    for name in names:
        code = name.strip().upper()
        if code in GROUPS:
            countries |= GROUPS[code]
        elif code in COUNTRIES:
            countries.add(code)
        else:
            raise ValueError(f"'{name}' is neither an ISO 3166-1 alpha-2 code nor EU or EEA")
    return frozenset(countries)
