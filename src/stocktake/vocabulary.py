"""Words Django's own catalogues translate otherwise than our users say them, so ours must win.

Django merges every installed app's catalogue and the first app in INSTALLED_APPS wins a msgid; the admin and
auth apps come before ours, so their words ("Gravar" and "Utilizador" in European Portuguese, "Eliminar" for
"Remove") would show on our pages. Catalogues in LOCALE_PATHS win over every app's: marking these words here
puts them in the project catalogue (src/stocktake/locale), with the same translation as our apps' catalogues.
tests/test_i18n_consistency.py fails when any of our msgids reads otherwise at run time than our catalogue says.
"""

from django.utils.translation import gettext_noop

WORDS_DJANGO_TRANSLATES_OTHERWISE = [
    gettext_noop("All"),
    gettext_noop("Change"),
    gettext_noop("Close"),
    gettext_noop("Filter"),
    gettext_noop("Go"),
    gettext_noop("History"),
    gettext_noop("None"),
    gettext_noop("Password"),
    gettext_noop("Remove"),
    gettext_noop("Save"),
    gettext_noop("Summary"),
    gettext_noop("User"),
    gettext_noop("active"),
]
