NAME = 'testpkg.sub'
