VALUE = 'testpkg.sub.mod'


def where():
    return __file__
