from stocktake import __version__


def stocktake(request):
    return {"STOCKTAKE_VERSION": __version__}
