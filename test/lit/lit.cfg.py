# lit configuration for oxcc's driver tests: RUN lines use %oxcc, %oxcxx,
# FileCheck and not from llvm-14-tools, and a private store per test.
import os
import lit.formats

config.name = "oxcc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test", ".c", ".cpp"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.oxcc_build_dir, "test", "lit-out")

llvm_bin = "/usr/lib/llvm-14/bin"
config.environment["PATH"] = os.pathsep.join(
    [config.oxcc_bin_dir, llvm_bin, os.environ.get("PATH", "/usr/bin:/bin")])
# Tests must not depend on the caller's compiler choices or store.
for var in ["OXCC_CC", "OXCC_CXX", "OXCC_LAUNCHER", "OXCC_STORE", "OXCC_TARGET",
            "OXCC_STRICT", "OXCC_DISABLE", "OXCC_PLUGINS",
            "OXCC_TARGET_INCLUDE", "OXCC_TARGET_HOST_INCLUDES", "OXCC_PYTHON", "OXCC_CACHE", "CC", "CXX", "PYTHONPATH"]:
    config.environment.pop(var, None)
config.environment["LC_ALL"] = "C"

config.substitutions.append(("%oxcc", os.path.join(config.oxcc_bin_dir, "oxcc")))
config.substitutions.append(("%oxcxx", os.path.join(config.oxcc_bin_dir, "oxc++")))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%utils", os.path.join(os.path.dirname(os.path.dirname(config.test_source_root)), "utils")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "driver", "Inputs")))
