// The oxcc_api table: how a hook reads and edits oxcc's state through the
// C ABI. Keys and lists are looked up by name so that new ones can be added
// without changing the table's layout (see include/oxcc/plugin.h).
#include "host.h"

#include <optional>
#include <string_view>

namespace oxcc {
namespace {

using Strings = std::vector<std::string>;

// Hooks are C code: a C++ exception must never unwind into them.
template <class F> auto noThrow(F f, decltype(f()) fallback) noexcept {
  try {
    return f();
  } catch (...) {
    return fallback;
  }
}

std::optional<std::string> invocationField(const Invocation &inv, std::string_view key) {
  if (key == "kind") return kindName(inv.kind);
  if (key == "output") return inv.output;
  if (key == "module") return inv.module;
  if (key == "target") return inv.target;
  return std::nullopt;
}

std::optional<std::string> scalar(const oxcc_call &c, std::string_view key) {
  if (key == "stage") return c.stage;
  if (key == "plugin") return c.plugin->path.empty() ? "builtin:" + c.plugin->name : c.plugin->path;
  if (key == "driver" && (c.args || c.inv || c.constInv)) return c.cxxDriver ? "c++" : "cc";
  if (c.args && c.inv) { // claim_args: the tags gathered so far
    if (key == "module") return c.inv->module;
    if (key == "compiler") return c.inv->compilerOverride;
    return std::nullopt;
  }
  if (c.command && key == "program") return c.command->path;
  if (c.object) {
    const ObjectRecord &r = *c.object;
    if (key == "source") return r.source;
    if (key == "language") return r.language;
    if (key == "output") return r.output;
    if (key == "object_id") return r.id;
    if (key == "module") return r.module;
    if (key == "compiler") return r.compiler;
    if (key == "target") return r.target;
    if (key == "cwd") return r.cwd;
    if (key == "generator") return r.generator;
    if (key == "generator_source") return r.generatorSource;
    return std::nullopt;
  }
  if (c.extension) {
    const ExtensionRecord &r = *c.extension;
    if (key == "module") return r.module;
    if (key == "init") return r.init;
    if (key == "language") return std::string(linkLanguageName(r.language));
    if (key == "output") return r.output;
    if (key == "linker") return r.linker;
    if (key == "target") return r.target;
    if (key == "source_dir") return r.sourceDir;
    return std::nullopt;
  }
  if (c.link) {
    if (key == "output") return c.link->output;
    if (key == "emit") return c.link->emit;
    if (key == "python") return c.link->python;
    if (key == "build_dir") return c.link->buildDir;
    return std::nullopt;
  }
  if (const Invocation *inv = c.inv ? c.inv : c.constInv) return invocationField(*inv, key);
  return std::nullopt;
}

// A list by name; `editable` says whether insert/remove may change it.
Strings *list(oxcc_call &c, std::string_view name, bool &editable) {
  editable = false;
  auto derived = [&](const char *key, auto fill) -> Strings * {
    auto [it, fresh] = c.derivedLists.try_emplace(key);
    if (fresh) fill(it->second);
    return &it->second;
  };
  if (c.args && c.inv) { // claim_args
    editable = true;
    if (name == "args") return c.args;
    if (name == "exports") return &c.inv->exports;
    if (name == "link_modules") return &c.inv->linkModules;
    editable = false;
    return nullptr;
  }
  if (c.command && name == "command") {
    editable = true;
    return &c.command->argv;
  }
  if (c.object) return name == "flags" ? &c.object->flags : nullptr;
  if (c.extension) {
    if (name == "objects") return &c.extension->objects;
    if (name == "libraries") return &c.extension->libraries;
    if (name == "library_dirs") return &c.extension->libraryDirs;
    if (name == "linker_args") return &c.extension->linkerArgs;
    return nullptr;
  }
  if (c.link) {
    if (name == "extensions") return &c.link->extensions;
    editable = name == "link_args";
    return editable ? &c.link->linkArgs : nullptr;
  }
  if (const Invocation *inv = c.inv ? c.inv : c.constInv) { // classify, rewrite_command
    if (name == "inputs")
      return derived("inputs", [&](Strings &out) {
        for (const auto &in : inv->inputs) out.push_back(in.path);
      });
    // Copies: these lists are read-only, and the Invocation may be const.
    if (name == "flags") return derived("flags", [&](Strings &out) { out = inv->flags; });
    if (name == "libraries") return derived("libraries", [&](Strings &out) { out = inv->libraries; });
    if (name == "library_dirs")
      return derived("library_dirs", [&](Strings &out) { out = inv->libraryDirs; });
    if (name == "linker_args")
      return derived("linker_args", [&](Strings &out) { out = inv->linkerArgs; });
  }
  return nullptr;
}

const char *keep(oxcc_call &c, std::string s) { return c.scratch.emplace_back(std::move(s)).c_str(); }

const char *apiGet(oxcc_call *c, const char *key) {
  return noThrow([&]() -> const char * {
    auto v = key ? scalar(*c, key) : std::nullopt;
    return v ? keep(*c, std::move(*v)) : nullptr;
  }, nullptr);
}

int apiSet(oxcc_call *c, const char *key, const char *value) {
  return noThrow([&] {
    if (!key || !value) return -1;
    std::string_view k = key;
    if (c->args && c->inv) {
      if (k == "module") c->inv->module = value;
      else if (k == "compiler") c->inv->compilerOverride = value;
      else return -1;
      return 0;
    }
    if (c->inv) { // classify
      if (k == "module") c->inv->module = value;
      else if (k == "kind" && std::string_view(value) == "unknown") {
        c->inv->kind = Kind::Unknown;
        c->inv->whyUnknown = "passed through by plugin " + c->plugin->name;
        c->inv->unknownOutcome = Outcome::ByPlugin;
      } else return -1;
      return 0;
    }
    if (c->command && k == "program") {
      c->command->path = value;
      return 0;
    }
    if (c->object) {
      if (k == "generator") c->object->generator = value;
      else if (k == "generator_source") c->object->generatorSource = value;
      else if (k == "language") c->object->language = value;
      else return -1;
      return 0;
    }
    return -1;
  }, -1);
}

size_t apiCount(oxcc_call *c, const char *name) {
  return noThrow([&]() -> size_t {
    bool editable;
    Strings *l = name ? list(*c, name, editable) : nullptr;
    return l ? l->size() : 0;
  }, size_t(0));
}

const char *apiItem(oxcc_call *c, const char *name, size_t i) {
  return noThrow([&]() -> const char * {
    bool editable;
    Strings *l = name ? list(*c, name, editable) : nullptr;
    return l && i < l->size() ? keep(*c, (*l)[i]) : nullptr;
  }, nullptr);
}

int apiInsert(oxcc_call *c, const char *name, size_t i, const char *value) {
  return noThrow([&] {
    bool editable;
    Strings *l = name && value ? list(*c, name, editable) : nullptr;
    if (!l || !editable || i > l->size()) return -1;
    l->insert(l->begin() + long(i), value);
    return 0;
  }, -1);
}

int apiRemove(oxcc_call *c, const char *name, size_t i) {
  return noThrow([&] {
    bool editable;
    Strings *l = name ? list(*c, name, editable) : nullptr;
    if (!l || !editable || i >= l->size()) return -1;
    l->erase(l->begin() + long(i));
    return 0;
  }, -1);
}

void apiNote(oxcc_call *c, const char *key, const char *value) {
  noThrow([&] {
    if (!key || !value || !*key) return 0;
    std::string k = c->plugin->name + "." + key;
    if (c->object) c->object->notes[k] = value;
    else if (c->extension) c->extension->notes[k] = value;
    else if (c->link) c->link->notes[k] = value;
    return 0;
  }, 0);
}

void apiError(oxcc_call *c, const char *message) {
  noThrow([&] {
    // The first error is the one reported.
    if (c->error.empty()) c->error = message && *message ? message : "(no message)";
    return 0;
  }, 0);
}

void apiWarning(oxcc_call *c, const char *message) {
  noThrow([&] {
    c->warnings.push_back(message ? message : "");
    return 0;
  }, 0);
}

} // namespace

const oxcc_api *hostApi() {
  static const oxcc_api api = {
      OXCC_PLUGIN_ABI_VERSION, sizeof(oxcc_api), apiGet, apiSet, apiCount, apiItem,
      apiInsert, apiRemove, apiNote, apiError, apiWarning,
  };
  return &api;
}

} // namespace oxcc
