#!/usr/bin/env bash
# xmod_test.sh OXCC_BIN_DIR
#
# Cross-extension linking: fixtures xmod_a (a._core exports the C function
# a_core_add: oxcc_exports in pyproject.toml's [tool.oxcc]) and xmod_b
# (b._user calls it: oxcc_link_modules in setup.cfg's [tool.oxcc]) are
# built into wheels through oxcc. Then:
#   - the plain wheels work under /usr/bin/python3 (b._user's a_core_add is
#     resolved by the dynamic linker: a/__init__.py loads _core RTLD_GLOBAL);
#   - the store records the exports and the dependency;
#   - one static binary of both: b._user calls a_core_add directly, both
#     are built-ins, a_core_add is global in it, each xmod_helper stays its
#     extension's own;
#   - linking b without a fails, naming a._core.
# (Cycles and the other plan errors: test/unit/libdeps_test.cpp.)
# cleanup and the tests_* recipes are called indirectly (trap, by name).
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source=e2e_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_env.sh"


e2e_bin_dir "$@"

e2e_clean_env

e2e_workdir xmod
export OXCC_STORE=$t/store


# 1. Both wheels through oxcc.
declare -A wheel=()
for f in xmod_a xmod_b; do
  d=$t/$f
  mkdir -p "$d" && cp -a "$here/fixtures/$f" "$d/src"
  if (cd "$d/src" && timeout 600 "$oxcc" run -- "$py" -m pip wheel -v --no-deps \
      --no-build-isolation --no-index -w "$d/wheel" .) >"$d/build.log" 2>&1 &&
     [[ -f $(echo "$d"/wheel/*.whl) ]]; then
    wheel[$f]=$(echo "$d"/wheel/*.whl)
  else
    fail "wheel $f through oxcc" "build failed" "$d/build.log"
  fi
done
((${#wheel[@]} == 2)) || finish
pass "wheels xmod_a, xmod_b through oxcc"

# 2. The records carry the declarations (from [tool.oxcc], via the shim).
if "$py" - "$OXCC_STORE" >"$t/records.log" 2>&1 <<'PY'
import glob, sys
def record(module):
    (path,) = glob.glob(f"{sys.argv[1]}/extensions/{module}/*.yaml")
    return open(path).read()
a, b = record("a._core"), record("b._user")
assert 'exports:\n  - "a_core_add"\n' in a, a
assert 'link_modules:\n  - "a._core"\n' in b, b
assert "link_modules" not in a and "exports" not in b
PY
then
  pass "store records a._core exports a_core_add, b._user links a._core"
else
  fail "records" "exports/link_modules not recorded" "$t/records.log"
fi

# 3. The normal wheels, through the dynamic linker.
site=$t/site
if "$py" -m pip install --no-deps --no-index --target "$site" "${wheel[xmod_a]}" "${wheel[xmod_b]}" \
    >"$t/install.log" 2>&1 &&
   (cd "$t" && PYTHONPATH=$site "$py" -c '
import b, a
assert b.add_twice(2, 3) == 8, b.add_twice(2, 3)
assert a.add(2, 3) == 5
assert a.helper_value() == 1 and b.helper_value() == 2
assert b._user.__file__.endswith(".so")
print("ok")') >"$t/wheels.log" 2>&1; then
  pass "wheels under python3: b._user calls a_core_add through the dynamic linker"
else
  fail "wheels under python3" "import or call failed" "$t/wheels.log"
fi
if nm -D --undefined-only "$site"/b/_user*.so | grep -qw a_core_add; then
  pass "b._user.so leaves a_core_add undefined (resolved at load time)"
else
  fail "b._user.so" "a_core_add is not an undefined dynamic symbol"
fi

# 4. One static binary: resolved at link time.
app=$t/app
if "$oxcc" link -o "$app" --wheel "${wheel[xmod_b]}" --wheel "${wheel[xmod_a]}" >"$t/link.log" 2>&1 &&
   "$app" -c '
import sys, a, b
assert "a._core" in sys.builtin_module_names
assert "b._user" in sys.builtin_module_names
assert b.add_twice(2, 3) == 8 and a.add(40, 2) == 42
assert a.helper_value() == 1 and b.helper_value() == 2
print("ok")' >"$t/app.log" 2>&1; then
  pass "static binary: b._user calls a._core's a_core_add, both built-in"
else
  fail "static binary" "link or run failed" "$t/link.log"
  [[ -s $t/app.log ]] && tail -n 20 "$t/app.log"
fi
if [[ -x $app ]]; then
  syms=$(nm "$app.debug")  # the symbols live in APP.debug (--debug-info=separate)
  if grep -qE ' T a_core_add$' <<<"$syms" && (($(grep -cE ' t xmod_helper$' <<<"$syms") == 2)) &&
     ! grep -qE ' T xmod_helper$' <<<"$syms"; then
    pass "a_core_add is global in the binary, both xmod_helper local"
  else
    fail "symbols" "$(grep -E 'a_core_add|xmod_helper' <<<"$syms" | tr '\n' ' ')"
  fi
fi
# The partial link keeps only the declared export global: a's helper is local.
if nm "$app.oxcc-build/ext/a._core.o" 2>/dev/null | grep -qE ' T a_core_add$' &&
   nm "$app.oxcc-build/ext/a._core.o" | grep -qE ' t xmod_helper$'; then
  pass "ext/a._core.o: a_core_add kept global by oxcc localize, xmod_helper localized"
else
  fail "ext/a._core.o" "$(nm "$app.oxcc-build/ext/a._core.o" 2>&1 | grep -E 'a_core_add|xmod_helper' | tr '\n' ' ')"
fi

# 5. b without a: an error naming the missing module, before any linking.
if "$oxcc" link -o "$t/app-b" --wheel "${wheel[xmod_b]}" >"$t/missing.log" 2>&1; then
  fail "b without a" "linked anyway" "$t/missing.log"
elif grep -q "module b._user calls into a._core" "$t/missing.log" &&
     grep -q "not in the link" "$t/missing.log" && [[ ! -e $t/app-b ]]; then
  pass "b without a: refused, naming a._core"
else
  fail "b without a" "unexpected message" "$t/missing.log"
fi

# 6. --explain shows the dependency and the export, and links nothing.
if "$oxcc" link -o "$t/app-x" --explain --wheel "${wheel[xmod_a]}" --wheel "${wheel[xmod_b]}" \
    >"$t/explain.log" 2>&1 && grep -q "calls into a._core" "$t/explain.log" &&
   grep -q "exports a_core_add" "$t/explain.log" && [[ ! -e $t/app-x ]]; then
  pass "--explain lists exports and link dependencies, links nothing"
else
  fail "--explain" "unexpected output" "$t/explain.log"
fi

finish
