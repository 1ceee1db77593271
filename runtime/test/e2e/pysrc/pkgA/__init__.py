"""Python half of pkgA; its C half is the built-in pkgA._native."""
