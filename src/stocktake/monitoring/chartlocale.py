"""How charts write numbers, dates and months in each language: the one place every chart takes them from.

Every Vega-Lite spec carries `config.locale` ({"number": a d3-format locale, "time": a d3-time-format
locale}). Both places that draw a spec read it: vega-embed in the browser (web/static/web/charts.js) and
vl-convert for PDFs and SVG/PNG downloads (it takes the spec's locale over its own `format_locale` and
`time_format_locale` arguments), so the page and the paper write `mar 2026` and `1.234,5` alike. The
locale travels in the spec rather than in each caller's options, so no caller can forget it.

The separators and the percent sign follow what the pages already write (Django's formats and
architecture's "%(number)s%%" translation): `86,6 %` in Spanish and French, `86,6%` in Portuguese.
Month and day names are lower case in es/pt/fr, as those languages write them.

monitoring is the lowest app with charts; the others (plans, routines, evaluations, incentives,
problems, public) sit above it and import this module.
"""

from __future__ import annotations

from django.utils import translation

NBSP = "\u00a0"

NUMBER = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""], "percent": "%"},
    "es": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""], "percent": NBSP + "%"},
    "pt": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""], "percent": "%"},
    "fr": {"decimal": ",", "thousands": NBSP, "grouping": [3], "currency": ["", ""], "percent": NBSP + "%"},
}

# d3-time-format's locale files (en-GB, es-ES, pt-BR, fr-FR), with Portuguese names in lower case.
TIME = {
    "en": {
        "dateTime": "%a %e %b %X %Y",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
    "es": {
        "dateTime": "%A, %e de %B de %Y, %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        "shortDays": ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
        "months": [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        "shortMonths": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
    },
    "pt": {
        "dateTime": "%A, %e de %B de %Y, %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": [
            "domingo",
            "segunda-feira",
            "terça-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado",
        ],
        "shortDays": ["dom", "seg", "ter", "qua", "qui", "sex", "sáb"],
        "months": [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
        "shortMonths": ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
    },
    "fr": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    },
}

# The date formats charts use, in d3-time-format directives (the names come from TIME): "mar 2026" on an
# axis, "marzo de 2026" in a tooltip. Only the written-out month differs in its words between languages.
MONTH = "%b %Y"
MONTH_LONG = {"en": "%B %Y", "es": "%B de %Y", "pt": "%B de %Y", "fr": "%B %Y"}


def language(code: str | None = None) -> str:
    """The chart language for a language code (the active one by default): es-AR reads as es; others as en."""
    base = (code or translation.get_language() or "en").lower().replace("_", "-").split("-")[0]
    return base if base in NUMBER else "en"


def vega_locale(code: str | None = None) -> dict:
    """Vega's `config.locale` for the language: its number and time format locales."""
    lang = language(code)
    return {"number": dict(NUMBER[lang]), "time": dict(TIME[lang])}


def localised(spec: dict, code: str | None = None) -> dict:
    """The spec with the language's locale in its config (other config kept): every chart's builder returns
    its spec through this.

    Vega describes axes and legends to screen readers in English only ("X-axis for a time scale with values
    from..."): in another language those descriptions are left out (aria false), and the reader has the
    chart's figures as a table beside it instead."""
    config = {**spec.get("config", {}), "locale": vega_locale(code)}
    if language(code) != "en":
        for part in ("axis", "legend"):
            config[part] = {**config.get(part, {}), "aria": False}
    return {**spec, "config": config}


def month_long_format(code: str | None = None) -> str:
    """A month written out: "March 2026", "marzo de 2026", "março de 2026", "mars 2026"."""
    return MONTH_LONG[language(code)]
