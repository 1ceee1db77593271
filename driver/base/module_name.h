// Python module names: which strings are one, and the module a file of a
// build names (pkg/sub/_ext.cpython-311-x86_64-linux-gnu.so -> pkg.sub._ext).
// Shared by the wrapper (naming what it records), the setuptools plugin
// (checking the shim's tags) and the link (naming a wheel's members).
#pragma once

#include <string>
#include <string_view>

namespace oxcc {

// A Python dotted module name: identifiers joined by dots, no empty part.
bool isValidModuleName(std::string_view name);

// pkg.sub._ext from .../build/lib.<plat>/pkg/sub/_ext.cpython-311-....so,
// else from the output's place under `cwd`. "" if neither gives a valid name.
std::string moduleNameFromPath(const std::string &absOutput, const std::string &cwd);

// pkg/sub/_ext.cpython-311-x86_64-linux-gnu.so -> pkg.sub._ext: a path
// relative to an import root. "" if it does not name a valid module.
std::string moduleNameFromRelativePath(const std::string &rel);

// True for names setuptools gives extension modules: *.cpython-*.so,
// *.abi3.so, or OXCC_EXT_SUFFIX.
bool hasExtensionSuffix(const std::string &path);

} // namespace oxcc
