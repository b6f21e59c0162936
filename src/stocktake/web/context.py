from django.utils.functional import SimpleLazyObject

from stocktake import __version__

from . import menu


def stocktake(request):
    user = getattr(request, "user", None)
    return {"STOCKTAKE_VERSION": __version__, "menu": SimpleLazyObject(lambda: menu.sections(user))}
